"""Writes rnn_torch_fixture.json: PyTorch 1.13 outputs and gradients for small RNN/LSTM/GRU networks.

Run with Debian's /usr/bin/python3 (python3-torch). Inputs and parameters are seeded uniform values in
float64, so the fixture pins PyTorch's gate conventions, not its float32 rounding.
Loss = sum(y * dy) + sum(h_n * dh) (+ sum(c_n * dc)), with fixed random dy, dh, dc.
"""
import json
import torch

torch.manual_seed(1234)
torch.set_default_dtype(torch.float64)


def flat(t):
    return [round(v, 15) for v in t.detach().reshape(-1).tolist()]


def case(name, mode, T, B, I, H, layers, bidirectional, batch_first):
    cls = {"rnn_tanh": torch.nn.RNN, "rnn_relu": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[mode]
    kw = {"nonlinearity": mode[4:]} if mode.startswith("rnn") else {}
    net = cls(I, H, num_layers=layers, bidirectional=bidirectional, batch_first=batch_first, **kw)
    D = 2 if bidirectional else 1
    x = (torch.rand(B, T, I) if batch_first else torch.rand(T, B, I)) * 4 - 2
    x.requires_grad_(True)
    h0 = (torch.rand(layers * D, B, H) * 2 - 1).requires_grad_(True)
    c0 = (torch.rand(layers * D, B, H) * 2 - 1).requires_grad_(True)
    y, state = net(x, (h0, c0) if mode == "lstm" else h0)
    hn, cn = state if mode == "lstm" else (state, None)
    dy, dh = torch.rand_like(y) - 0.5, torch.rand_like(hn) - 0.5
    loss = (y * dy).sum() + (hn * dh).sum()
    out = {"name": name, "mode": mode, "T": T, "B": B, "I": I, "H": H, "layers": layers,
           "bidirectional": bidirectional, "batchFirst": batch_first, "x": flat(x), "h0": flat(h0),
           "dy": flat(dy), "dhN": flat(dh), "y": flat(y), "hN": flat(hn)}
    if mode == "lstm":
        dc = torch.rand_like(cn) - 0.5
        loss = loss + (cn * dc).sum()
        out.update({"c0": flat(c0), "dcN": flat(dc), "cN": flat(cn)})
    loss.backward()
    out["params"] = {k: flat(v) for k, v in net.named_parameters()}
    out["grads"] = {k: flat(v.grad) for k, v in net.named_parameters()}
    out["dx"] = flat(x.grad)
    out["dh0"] = flat(h0.grad)
    if mode == "lstm":
        out["dc0"] = flat(c0.grad)
    return out


cases = []
for mode in ["rnn_tanh", "rnn_relu", "lstm", "gru"]:
    cases.append(case(f"{mode} cell", mode, 1, 1, 3, 2, 1, False, False))
    cases.append(case(f"{mode} 2-layer bidirectional", mode, 3, 2, 3, 2, 2, True, False))
cases.append(case("lstm batch-first", "lstm", 4, 2, 3, 3, 1, False, True))
cases.append(case("gru batch-first bidirectional", "gru", 4, 2, 3, 3, 1, True, True))

with open(__file__.replace(".py", ".json"), "w") as f:
    json.dump(cases, f, separators=(",", ":"))
