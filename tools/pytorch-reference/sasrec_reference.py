#!/usr/bin/env python3
"""SASRec in PyTorch, written here from shared/spec/MODEL.md, to train on the same data as a
seqrec run the way the PyTorch reference `main.py` trains, and to hand the weights back to
seqrec so that both models are evaluated by the same code on the same users and negatives.

  # 1. the PyTorch model reproduces the shared fixture (outputs and gradients, within 1e-4)
  python tools/pytorch-reference/sasrec_reference.py check ../shared/fixtures/model_sasrec.json
  # 2. train; --like is a seqrec model of the same config: its item ids and weight layout are used
  python tools/pytorch-reference/sasrec_reference.py train --dataset ../shared/data/ml-1m-partial/ratings.dat.gz \
      --like runs/ml1m-sasrec/best --out runs/ml1m-sasrec-pytorch --num_epochs 200 --save_every 20 --seed 1
  #    stopped? the same command with --resume continues from the last --save_every epoch, as if never stopped
  # 3. evaluate every saved epoch with seqrec (tools/pytorch-reference/evaluate-epochs.js)

What follows the reference training script rather than seqrec's trainer: every matrix
(embeddings included) starts xavier-normal, biases of the attention projections start at 0
and the FFN's as torch.nn.Linear's, Adam with betas (0.9, 0.98) and no warm-up, and batches of
users drawn in a random order with every batch padded to the window of its longest user (no
length bucketing). Model and loss follow MODEL.md (pre-LN, as the reference with norm_first).
Needs torch and numpy only; not part of any package.

Losses (`--loss`, as seqrec's `--loss`, issue 13): `bce` (MODEL.md, one negative per position),
`ce` (softmax over every item), `sampled_softmax` (`--num_negatives` N shared by the batch, drawn
per step, uniform or by training popularity with the log-Q correction; accidental hits left out)
and `gbce` (gSASRec, Petrov & Macdonald 2023: N uniform negatives per target position, beta =
alpha (t (1 - 1/alpha) + 1/alpha) with alpha = N / (V - 1) and t = `--gbce_t`; accidental hits
left out). Each is the mean over target positions.
"""
import argparse
import gzip
import json
import math
import os
import shutil
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


# --- model (MODEL.md: Embedding, Block, Heads and loss) -----------------------------------------
class Block(nn.Module):
    """Pre-LN block: x + Attn(LN(x)), then x + FFN(LN(x)), then the padding mask."""

    def __init__(self, d, heads, dropout, eps):
        super().__init__()
        self.heads = heads
        self.attn_ln = nn.LayerNorm(d, eps=eps)
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
        self.ffn_ln = nn.LayerNorm(d, eps=eps)
        self.l1, self.l2 = nn.Linear(d, d), nn.Linear(d, d)
        self.dropout = nn.Dropout(dropout)

    def attention(self, u, mask):
        batch, window, d = u.shape
        dh = d // self.heads

        def heads(t):  # [B,T,d] -> [B,h,T,dh]
            return t.view(batch, window, self.heads, dh).transpose(1, 2)

        q, k, v = heads(self.q(u)), heads(self.k(u)), heads(self.v(u))
        score = q @ k.transpose(-1, -2) / math.sqrt(dh)  # [B,h,T,T]
        causal = torch.ones(window, window, dtype=torch.bool).tril()
        allowed = causal & mask[:, None, None, :]  # key j visible to query i
        w = self.dropout(torch.softmax(score.masked_fill(~allowed, -1e9), dim=-1))
        return self.o((w @ v).transpose(1, 2).reshape(batch, window, d))

    def forward(self, x, mask):
        x = x + self.attention(self.attn_ln(x), mask)
        x = x + self.dropout(self.l2(self.dropout(torch.relu(self.l1(self.ffn_ln(x))))))
        return x * mask[..., None]


class SASRecReference(nn.Module):
    def __init__(self, num_items, maxlen, d, num_blocks, heads, dropout, eps=1e-8, l2_emb=0.0):
        super().__init__()
        self.maxlen, self.d, self.l2_emb = maxlen, d, l2_emb
        self.item_emb = nn.Parameter(torch.zeros(num_items + 1, d))  # row 0: padding
        self.pos_emb = nn.Parameter(torch.zeros(maxlen + 1, d))  # row 0: padding
        self.dropout = nn.Dropout(dropout)
        self.blocks = nn.ModuleList(Block(d, heads, dropout, eps) for _ in range(num_blocks))
        self.last_ln = nn.LayerNorm(d, eps=eps)

    def features(self, seq):  # seq [B,T] -> [B,T,d]
        window = seq.shape[1]
        mask = seq != 0
        # The newest item always has position maxlen, whatever the window T.
        position = (torch.arange(window) + 1 + self.maxlen - window)[None, :] * mask
        x = self.item_emb[seq] * math.sqrt(self.d) + self.pos_emb[position]
        x = self.dropout(x) * mask[..., None]
        for block in self.blocks:
            x = block(x, mask)
        return self.last_ln(x)

    def loss(self, seq, pos, neg):
        features = self.features(seq)
        pos_logits = (features * self.item_emb[pos]).sum(-1)  # [B,T]
        neg_logits = (features * self.item_emb[neg]).sum(-1)
        real = pos != 0
        # -log sigmoid(x) = softplus(-x), -log(1 - sigmoid(x)) = softplus(x)
        loss = F.softplus(-pos_logits[real]).mean() + F.softplus(neg_logits[real]).mean()
        return loss + self.l2_emb * (self.item_emb**2).sum(), features, pos_logits, neg_logits


def training_loss(model, seq, pos, neg, loss, negatives=None, log_q=None):
    """The loss of `--loss` (see the module docstring): mean over the target positions (pos != 0).
    negatives are [N] shared by the batch (sampled_softmax) or [M,N], N per target position in
    row-major order (gbce); log_q [V+1] is the log sampling
    probability of every item (sampled_softmax with popularity sampling), else None."""
    if loss.name == "bce":
        return model.loss(seq, pos, neg)[0]
    features = model.features(seq)
    real = pos != 0
    rows, targets = features[real], pos[real]  # [M,d], [M]
    l2 = model.l2_emb * (model.item_emb**2).sum()
    if loss.name == "ce":
        logits = rows @ model.item_emb[1:].T  # [M,V]; class c is item c+1
        return F.cross_entropy(logits, targets - 1) + l2
    pos_logits = (rows * model.item_emb[targets]).sum(-1)  # [M]
    if loss.name == "gbce":
        alpha = negatives.shape[1] / (model.item_emb.shape[0] - 2)  # N / (V - 1)
        beta = alpha * (loss.gbce_t * (1 - 1 / alpha) + 1 / alpha)
        neg_logits = torch.einsum("md,mnd->mn", rows, model.item_emb[negatives])  # [M,N]
        hit = targets[:, None] == negatives  # accidental hits: left out
        per_position = beta * F.softplus(-pos_logits) + (F.softplus(neg_logits) * ~hit).sum(1)
        return (per_position / (negatives.shape[1] + 1)).mean() + l2
    neg_logits = rows @ model.item_emb[negatives].T  # [M,N]
    hit = targets[:, None] == negatives[None, :]  # accidental hits: left out
    if loss.name == "sampled_softmax":
        if log_q is not None:
            pos_logits = pos_logits - log_q[targets]
            neg_logits = neg_logits - log_q[negatives][None, :]
        logits = torch.cat([pos_logits[:, None], neg_logits.masked_fill(hit, -1e9)], 1)  # [M,N+1]
        return (torch.logsumexp(logits, 1) - pos_logits).mean() + l2
    raise ValueError(f"unknown loss {loss.name}")


def draw_negatives(loss, num_items, rng, popularity, positions):
    """A step's negatives, with replacement: N per target position ([positions, N], uniform) for
    gbce; else N for the step, uniform over 1..V or by training counts."""
    if loss.name == "gbce":
        return torch.from_numpy(rng.integers(1, num_items + 1, size=(positions, loss.num_negatives)))
    if loss.name == "sampled_softmax" and loss.negative_sampling == "popularity":
        return torch.from_numpy(rng.choice(np.arange(num_items + 1), size=loss.num_negatives, p=popularity))
    return torch.from_numpy(rng.integers(1, num_items + 1, size=loss.num_negatives))


def init_like_reference(model):
    """As the reference main.py: xavier-normal for every matrix, padding rows zeroed."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() >= 2:
                nn.init.xavier_normal_(p)
        for block in model.blocks:
            for projection in (block.q, block.k, block.v, block.o):
                projection.bias.zero_()  # torch.nn.MultiheadAttention starts its biases at 0
        model.item_emb[0].zero_()
        model.pos_emb[0].zero_()


# --- seqrec weight names (MODEL.md: Parameter names); kernels are [in, out] -------------------------
def seqrec_tensors(model):
    out = {"item_emb": model.item_emb, "pos_emb": model.pos_emb}
    for i, b in enumerate(model.blocks):
        for ln in ("attn_ln", "ffn_ln"):
            out[f"blocks.{i}.{ln}.gamma"] = getattr(b, ln).weight
            out[f"blocks.{i}.{ln}.beta"] = getattr(b, ln).bias
        for group, names in (("attn", "qkvo"), ("ffn", ("l1", "l2"))):
            for n in names:
                layer = getattr(b, n)
                out[f"blocks.{i}.{group}.{n}.kernel"] = layer.weight  # stored transposed
                out[f"blocks.{i}.{group}.{n}.bias"] = layer.bias
    out["last_ln.gamma"], out["last_ln.beta"] = model.last_ln.weight, model.last_ln.bias
    return out


def as_seqrec(name, tensor):
    return tensor.T if name.endswith(".kernel") else tensor


def load_seqrec_params(model, params):
    with torch.no_grad():
        for name, t in seqrec_tensors(model).items():
            value = torch.tensor(np.asarray(params[name]["values"], dtype=np.float32).reshape(params[name]["shape"]))
            t.copy_(as_seqrec(name, value))  # the transpose is its own inverse


# --- check: the shared fixture ------------------------------------------------------------------------
def check(fixture_path):
    fixture = json.load(open(fixture_path))
    c = fixture["config"]
    if c.get("mhc") or c.get("timeSpan"):
        sys.exit(f"{fixture_path}: only the plain SASRec fixture is implemented here")
    model = SASRecReference(c["numItems"], c["maxlen"], c["hiddenUnits"], c["numBlocks"], c["numHeads"], 0.0,
                            c["layerNormEps"], c["l2Emb"])
    load_seqrec_params(model, fixture["params"])
    model.eval()
    inputs = {k: torch.tensor(fixture["inputs"][k]) for k in ("seq", "pos", "neg", "candidates")}
    loss, features, pos_logits, neg_logits = model.loss(inputs["seq"], inputs["pos"], inputs["neg"])
    scores = (features[:, -1, None, :] * model.item_emb[inputs["candidates"]]).sum(-1)
    loss.backward()
    worst = 0.0

    def compare(what, got, want):
        nonlocal worst
        want = want["values"] if isinstance(want, dict) else want
        diff = float(np.max(np.abs(got.detach().numpy().ravel() - np.asarray(want, dtype=np.float64).ravel())))
        worst = max(worst, diff)
        print(f"{what:40s} max |diff| {diff:.2e}")

    out = fixture["outputs"]
    compare("features", features, out["features"])
    compare("posLogits", pos_logits, out["posLogits"])
    compare("negLogits", neg_logits, out["negLogits"])
    compare("loss", loss, out["loss"])
    compare("scores", scores, out["scores"])
    for name, t in seqrec_tensors(model).items():
        compare(f"grad {name}", as_seqrec(name, t.grad), fixture["grads"][name])
    print(f"worst {worst:.2e}: {'PASS' if worst < 1e-4 else 'FAIL'} (tolerance 1e-4)")
    return 0 if worst < 1e-4 else 1


# --- data (DATA_AND_EVAL.md), with the item ids of a seqrec model ---------------------------------
def read_interactions(path):
    """(user, item, time) in file order from MovieLens-1M `u::i::r::t`, ML-100K `u\\ti\\tr\\tt`, or
    SASRec-style text `u i [t]` (no timestamp: time 0, so file order decides, as in seqrec)."""
    opener = gzip.open if path.endswith(".gz") else open
    rows = []
    with opener(path, "rt") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            fields = line.rstrip("\n").split("::") if "::" in line else line.split()
            if len(fields) == 2:
                rows.append((fields[0], fields[1], 0))
            elif len(fields) == 3:
                rows.append((fields[0], fields[1], int(fields[2])))
            elif len(fields) >= 4:
                rows.append((fields[0], fields[1], int(fields[3])))
            else:
                sys.exit(f"{path}:{number}: expected user, item[, rating], [timestamp]")
    return rows


def train_sequences(path, vocab):
    users = {u: i + 1 for i, u in enumerate(vocab["users"])}
    items = {v: i + 1 for i, v in enumerate(vocab["items"])}
    by_user = {}
    for order, (u, i, t) in enumerate(read_interactions(path)):
        if u not in users or i not in items:
            sys.exit(f"{path}: user {u} or item {i} is not in the --like model's vocabulary")
        by_user.setdefault(users[u], []).append((t, order, items[i]))
    sequences = {}
    for user, events in by_user.items():
        s = [item for _, _, item in sorted(events)]  # by time, ties in file order
        sequences[user] = s if len(s) < 3 else s[:-2]  # leave-one-out: valid and test held out
    return sequences, len(items)


def batches(sequences, num_items, maxlen, batch_size, rng):
    """One sample per user (train length >= 2) in a random order; each batch trimmed to its longest."""
    users = [u for u, s in sequences.items() if len(s) >= 2]
    order = rng.permutation(len(users))
    for start in range(0, len(users), batch_size):
        chosen = [users[k] for k in order[start:start + batch_size]]
        window = min(maxlen, max(len(sequences[u]) - 1 for u in chosen))
        seq, pos, neg = (np.zeros((len(chosen), window), dtype=np.int64) for _ in range(3))
        for row, u in enumerate(chosen):
            s = sequences[u]
            inputs, targets = s[:-1][-window:], s[1:][-window:]
            n = len(inputs)
            seq[row, window - n:], pos[row, window - n:] = inputs, targets
            seen = set(s)
            negatives = rng.integers(1, num_items + 1, size=n)
            for j in range(n):
                while negatives[j] in seen:
                    negatives[j] = rng.integers(1, num_items + 1)
            neg[row, window - n:] = negatives
        yield torch.from_numpy(seq), torch.from_numpy(pos), torch.from_numpy(neg)


def save_seqrec_model(model, like_dir, out_dir, run_options):
    """A seqrec checkpoint without optimizer state (model.json, weights.bin, vocab.json, run.json),
    written to a temp dir, then renamed: `seqrec eval` and `--state_dict_path` read it."""
    manifest = json.load(open(os.path.join(like_dir, "model.json")))
    tensors = seqrec_tensors(model)
    blobs = []
    for spec in manifest["weightsManifest"][0]["weights"]:
        value = as_seqrec(spec["name"], tensors[spec["name"]]).detach().numpy().astype("<f4")
        if list(value.shape) != spec["shape"]:
            sys.exit(f"{like_dir}: weight {spec['name']} is {spec['shape']} there, {list(value.shape)} here")
        blobs.append(value.tobytes())
    manifest["generatedBy"] = f"tools/pytorch-reference/sasrec_reference.py (torch {torch.__version__})"
    tmp = out_dir + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    with open(os.path.join(tmp, "weights.bin"), "wb") as f:
        f.write(b"".join(blobs))
    json.dump(manifest, open(os.path.join(tmp, "model.json"), "w"))
    shutil.copy(os.path.join(like_dir, "vocab.json"), tmp)
    run = {"modelConfig": manifest["modelTopology"]["config"], "options": run_options}
    json.dump(run, open(os.path.join(tmp, "run.json"), "w"), indent=2)
    shutil.rmtree(out_dir, ignore_errors=True)
    os.rename(tmp, out_dir)


def train(args):
    if args.warmup_steps < 0:
        sys.exit(f"--warmup_steps must be >= 0, got {args.warmup_steps}")
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(args.seed)
    like = json.load(open(os.path.join(args.like, "model.json")))["modelTopology"]["config"]
    if like["kind"] != "sasrec" or like["mhc"] is not None:
        sys.exit(f"{args.like}: a plain SASRec model is needed (found {like['kind']}, mhc {like['mhc']})")
    sequences, num_items = train_sequences(args.dataset, json.load(open(os.path.join(args.like, "vocab.json"))))
    model = SASRecReference(num_items, like["maxlen"], like["hiddenUnits"], like["numBlocks"], like["numHeads"],
                            like["dropoutRate"], like["layerNormEps"], like["l2Emb"])
    init_like_reference(model)
    adam = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.9, 0.98))
    counts = np.zeros(num_items + 1)
    for s in sequences.values():
        np.add.at(counts, s, 1)
    popularity = counts / counts.sum()
    log_q = torch.log(torch.from_numpy(np.maximum(counts, 1) / counts.sum())).float()
    if not (args.loss == "sampled_softmax" and args.negative_sampling == "popularity"):
        log_q = None
    os.makedirs(args.out, exist_ok=True)
    first, step = 1, 0
    if args.resume:
        done, step = resume(args, model, adam, rng)
        first = done + 1
    elif os.path.exists(os.path.join(args.out, STATE_FILE)):
        sys.exit(f"{args.out}: holds a run's {STATE_FILE}; pass --resume to continue it, or another --out")
    log = open(os.path.join(args.out, "metrics.jsonl"), "a" if args.resume else "w")
    for epoch in range(first, args.num_epochs + 1):
        model.train()
        start, losses = time.time(), []
        for seq, pos, neg in batches(sequences, num_items, like["maxlen"], args.batch_size, rng):
            negatives = None if args.name in ("bce", "ce") else draw_negatives(args, num_items, rng, popularity, int((pos != 0).sum()))
            loss = training_loss(model, seq, pos, neg, args, negatives, log_q)
            rate = learning_rate(args, step)
            for group in adam.param_groups:
                group["lr"] = rate
            step += 1
            adam.zero_grad()
            loss.backward()
            adam.step()
            losses.append(loss.item())
        seconds = time.time() - start
        record = {"type": "epoch", "epoch": epoch, "loss": float(np.mean(losses)), "lr": learning_rate(args, step - 1),
                  "seconds": round(seconds, 3), "steps": len(losses)}
        log.write(json.dumps(record) + "\n")
        log.flush()
        print(f"epoch {epoch}: loss {record['loss']:.4f} {seconds:.1f}s", flush=True)
        if epoch % args.save_every == 0 or epoch == args.num_epochs:
            options = {"trainer": "tools/pytorch-reference/sasrec_reference.py", "torch": torch.__version__,
                       "epoch": epoch, **{k: v for k, v in vars(args).items() if k != "command"}}
            save_seqrec_model(model, args.like, os.path.join(args.out, f"epoch-{epoch:04d}"), options)
            save_state(args, epoch, step, model, adam, rng)
    return 0


def learning_rate(args, step):
    """The rate of optimizer step `step` (0-based): --lr after a linear warm-up over
    --warmup_steps steps, as seqrec's `learningRate` (and `main.py`'s --warmup_steps); the
    reference trains without one (--warmup_steps 0, the default here)."""
    if args.warmup_steps > 0 and step < args.warmup_steps:
        return args.lr * (step + 1) / args.warmup_steps
    return args.lr


STATE_FILE = "state.pt"
# Flags that must not change across --resume (the rest, e.g. --num_epochs and --threads, may).
RESUME_FIXED = ("dataset", "batch_size", "lr", "warmup_steps", "seed", "loss", "num_negatives", "negative_sampling", "gbce_t")


def save_state(args, epoch, step, model, adam, rng):
    """What --resume needs to continue as if never stopped: weights, Adam's moments, and both random
    streams (numpy's for batches and negatives, torch's for dropout). Temp file, then rename."""
    state = {"epoch": epoch, "step": step, "model": model.state_dict(), "adam": adam.state_dict(),
             "numpy_rng": rng.bit_generator.state, "torch_rng": torch.get_rng_state(),
             "flags": {k: getattr(args, k) for k in RESUME_FIXED}}
    path = os.path.join(args.out, STATE_FILE)
    torch.save(state, path + ".tmp")
    os.replace(path + ".tmp", path)


def resume(args, model, adam, rng):
    """Loads --out's state (saved every --save_every epochs) and returns its epoch and optimizer step count. metrics.jsonl
    keeps the epochs up to it: later lines, from epochs run after the last save, are dropped."""
    path = os.path.join(args.out, STATE_FILE)
    if not os.path.exists(path):
        sys.exit(f"{path}: not found; --resume continues a run that saved its state (every --save_every epochs)")
    state = torch.load(path, weights_only=False)
    # States saved before --warmup_steps existed trained without a warm-up.
    saved = {"warmup_steps": 0, **state["flags"]}
    changed = [f"--{k} {saved[k]} -> {getattr(args, k)}" for k in RESUME_FIXED if saved[k] != getattr(args, k)]
    if changed:
        sys.exit(f"{path}: --resume with other flags than the run's: {', '.join(changed)}")
    model.load_state_dict(state["model"])
    adam.load_state_dict(state["adam"])
    rng.bit_generator.state = state["numpy_rng"]
    torch.set_rng_state(state["torch_rng"])
    metrics = os.path.join(args.out, "metrics.jsonl")
    kept = [line for line in open(metrics) if json.loads(line)["epoch"] <= state["epoch"]] if os.path.exists(metrics) else []
    with open(metrics + ".tmp", "w") as f:
        f.writelines(kept)
    os.replace(metrics + ".tmp", metrics)
    print(f"resumed {args.out} after epoch {state['epoch']}", flush=True)
    return state["epoch"], state.get("step", 0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("check", help="compare with a shared model fixture")
    p.add_argument("fixture")
    p = sub.add_parser("train", help="train and save seqrec model dirs every --save_every epochs")
    p.add_argument("--dataset", required=True)
    p.add_argument("--like", required=True, help="a seqrec model dir of the same config (ids, weight layout)")
    p.add_argument("--out", required=True)
    p.add_argument("--num_epochs", type=int, default=200)
    p.add_argument("--save_every", type=int, default=20)
    p.add_argument("--batch_size", type=int, default=128)
    p.add_argument("--lr", type=float, default=0.001)
    p.add_argument("--warmup_steps", type=int, default=0,
                   help="linear warm-up over this many optimizer steps (main.py's default is 100; the reference has none)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--loss", choices=["bce", "ce", "sampled_softmax", "gbce"], default="bce")
    p.add_argument("--num_negatives", type=int, default=256, help="per step (sampled_softmax) or per target position (gbce)")
    p.add_argument("--negative_sampling", choices=["uniform", "popularity"], default="uniform")
    p.add_argument("--gbce_t", type=float, default=0.75)
    p.add_argument("--resume", action="store_true", help="continue --out from its last saved state (state.pt)")
    args = parser.parse_args()
    if args.command == "train":
        args.name = args.loss
    sys.exit(check(args.fixture) if args.command == "check" else train(args))


if __name__ == "__main__":
    main()
