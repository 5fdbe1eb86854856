/**
 * The model the service answers with, swappable while requests run: a request takes
 * {@link ModelSlot.acquire} on arrival and keeps that model until it is answered, so a reload
 * never drops or mixes a request; the replaced model is disposed when its last request ends.
 */
import type { ServedModel } from './ServedModel';

export class ModelSlot {
  private reloading: Promise<ServedModel> | null = null;

  private constructor(private current: ServedModel, private readonly load: () => Promise<ServedModel>) {}

  static async open(load: () => Promise<ServedModel>): Promise<ModelSlot> {
    return new ModelSlot(await load(), load);
  }

  /** The current model, held until `release()`. */
  acquire(): ServedModel {
    return this.current.acquire();
  }

  get description(): ServedModel['description'] {
    return this.current.description;
  }

  /** Scoring workers of the current model replaced after a death (health reports it). */
  get scoringRestarts(): number {
    return this.current.scoringRestarts;
  }

  /**
   * Loads the model again and swaps it in; on failure the current model stays and the error is
   * thrown. Concurrent calls share one load.
   */
  reload(): Promise<ServedModel> {
    this.reloading ??= this.load()
      .then((next) => {
        const previous = this.current;
        this.current = next;
        previous.release();
        return next;
      })
      .finally(() => {
        this.reloading = null;
      });
    return this.reloading;
  }

  /** Drops the slot's own reference (the model goes when no request holds it). */
  close(): void {
    this.current.release();
  }
}
