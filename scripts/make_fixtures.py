#!/usr/bin/python3
"""Writes the PyTorch interop fixtures in test/fixtures/ (run with Debian's python3-torch 1.13:
`/usr/bin/python3 scripts/make_fixtures.py`). The output is committed, so tests need no Python; it is
deterministic on one machine, but PyTorch's float32 results may differ in the last bit on another CPU (so
regenerate only the files you change).

For each model <name>: <name>.safetensors holds exactly model.state_dict() (PyTorch's key names, shapes
and dtypes), and <name>.io.safetensors the inputs and PyTorch's outputs in eval mode; mlp.f16 and mlp.bf16
hold the mlp in half precisions. optim.safetensors holds 3-step optimizer trajectories on fixed gradients,
schedulers.safetensors learning-rate traces, losses.safetensors each loss module's value and input
gradient, losses_extra.safetensors and losses_more.safetensors the same for probability targets, pos_weight
and the later losses (with target gradients too); their configurations are JSON in __metadata__. safetensors is written by hand (Debian has no
package for it).
"""
import copy
import inspect
import json
import os
import struct
import sys

import torch
from torch import nn
from torch.optim.optimizer import required

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures')
DTYPES = {torch.float32: 'F32', torch.float64: 'F64', torch.int64: 'I64', torch.float16: 'F16', torch.bfloat16: 'BF16'}


def save(path, tensors, metadata=None):
    """safetensors: u64 header length, JSON header padded with spaces to 8 bytes, little-endian data."""
    header = {}
    if metadata:
        header['__metadata__'] = metadata
    blobs = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous()
        # numpy has no bfloat16: its bits go out as int16 (same width and byte order).
        bits = t.view(torch.int16) if t.dtype == torch.bfloat16 else t
        data = bits.numpy().astype(bits.numpy().dtype.newbyteorder('<')).tobytes()
        header[name] = {'dtype': DTYPES[t.dtype], 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(',', ':')).encode('utf-8')
    raw += b' ' * (-len(raw) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


def model_fixture(name, model, inputs, outputs_of, train_batches=()):
    # A few training-mode passes give BatchNorm non-trivial running statistics.
    model.train()
    with torch.no_grad():
        for b in train_batches:
            model(b)
    model.eval()
    with torch.no_grad():
        outs = outputs_of(model)
    save(os.path.join(OUT, name + '.safetensors'), dict(model.state_dict()), {'format': 'pt'})
    save(os.path.join(OUT, name + '.io.safetensors'), {**inputs, **outs})


def models():
    torch.manual_seed(0)
    mlp = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    x = torch.randn(5, 4)
    model_fixture('mlp', mlp, {'input': x}, lambda m: {'output': m(x)})

    torch.manual_seed(1)
    cnn = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3, groups=2), nn.ReLU(), nn.AvgPool2d(2, stride=1), nn.AdaptiveAvgPool2d(1),
        nn.Flatten(), nn.Linear(6, 3),
    )
    x = torch.randn(2, 1, 10, 10)
    model_fixture('cnn', cnn, {'input': x}, lambda m: {'output': m(x)},
                  train_batches=[torch.randn(4, 1, 10, 10) for _ in range(3)])

    torch.manual_seed(2)
    bn1 = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Tanh(), nn.Dropout(0.5), nn.Linear(4, 2))
    x = torch.randn(6, 3)
    model_fixture('bn1d', bn1, {'input': x}, lambda m: {'output': m(x)}, train_batches=[torch.randn(8, 3) for _ in range(2)])

    torch.manual_seed(3)
    conv1d = nn.Sequential(nn.Conv1d(2, 3, 3, padding=1), nn.GELU(), nn.Conv1d(3, 2, 2, stride=2, dilation=2))
    x = torch.randn(2, 2, 7)
    model_fixture('conv1d', conv1d, {'input': x}, lambda m: {'output': m(x)})

    torch.manual_seed(4)
    emb = nn.Sequential(nn.Embedding(10, 6), nn.LayerNorm(6))
    x = torch.tensor([[1, 3, 9], [0, 0, 4]])
    model_fixture('embedding', emb, {'input': x}, lambda m: {'output': m(x)})

    torch.manual_seed(5)
    lstm = nn.LSTM(3, 5, num_layers=2, bidirectional=True, batch_first=True)
    x = torch.randn(2, 4, 3)
    h0 = torch.randn(4, 2, 5)
    c0 = torch.randn(4, 2, 5)

    def lstm_out(m):
        y, (h, c) = m(x, (h0, c0))
        return {'output': y, 'h_n': h, 'c_n': c}
    model_fixture('lstm', lstm, {'input': x, 'h0': h0, 'c0': c0}, lstm_out)

    torch.manual_seed(6)
    gru = nn.GRU(3, 4, num_layers=1)
    x = torch.randn(5, 2, 3)

    def gru_out(m):
        y, h = m(x)
        return {'output': y, 'h_n': h}
    model_fixture('gru', gru, {'input': x}, gru_out)

    torch.manual_seed(7)
    rnn = nn.RNN(3, 4, num_layers=2, nonlinearity='tanh')
    x = torch.randn(4, 2, 3)

    def rnn_out(m):
        y, h = m(x)
        return {'output': y, 'h_n': h}
    model_fixture('rnn', rnn, {'input': x}, rnn_out)

    torch.manual_seed(8)
    cells = nn.ModuleDict({'lstm': nn.LSTMCell(3, 4), 'gru': nn.GRUCell(3, 4), 'rnn': nn.RNNCell(3, 4)})
    x = torch.randn(2, 3)
    h = torch.randn(2, 4)
    c = torch.randn(2, 4)

    def cell_out(m):
        lh, lc = m['lstm'](x, (h, c))
        return {'lstm_h': lh, 'lstm_c': lc, 'gru_h': m['gru'](x, h), 'rnn_h': m['rnn'](x, h)}
    model_fixture('cells', cells, {'input': x, 'h0': h, 'c0': c}, cell_out)


OPTIMIZERS = {
    'sgd': (torch.optim.SGD, {'lr': 0.05, 'momentum': 0.9, 'dampening': 0.1, 'weight_decay': 0.01}),
    'sgd_nesterov': (torch.optim.SGD, {'lr': 0.05, 'momentum': 0.9, 'nesterov': True}),
    'adam': (torch.optim.Adam, {'lr': 0.01, 'betas': (0.8, 0.9), 'weight_decay': 0.1}),
    'adam_amsgrad': (torch.optim.Adam, {'lr': 0.01, 'amsgrad': True}),
    'adamw': (torch.optim.AdamW, {'lr': 0.01, 'weight_decay': 0.05}),
    'rmsprop': (torch.optim.RMSprop, {'lr': 0.01, 'alpha': 0.9, 'momentum': 0.5, 'centered': True, 'weight_decay': 0.01}),
    'adagrad': (torch.optim.Adagrad, {'lr': 0.1, 'lr_decay': 0.01, 'initial_accumulator_value': 0.1}),
}


def optimizers():
    torch.manual_seed(9)
    p0 = torch.randn(7, dtype=torch.float64)
    grads = torch.randn(3, 7, dtype=torch.float64)
    tensors = {'p0': p0, 'grads': grads}
    for name, (cls, opts) in OPTIMIZERS.items():
        p = p0.clone().requires_grad_(True)
        opt = cls([p], **opts)
        steps = []
        for g in grads:
            p.grad = g.clone()
            opt.step()
            steps.append(p.detach().clone())
        tensors[name] = torch.stack(steps)
    save(os.path.join(OUT, 'optim.safetensors'), tensors, {
        'configs': json.dumps({k: v[1] for k, v in OPTIMIZERS.items()}),
        'defaults': json.dumps(optimizer_defaults()),
    })


def optimizer_defaults():
    """Each optimizer's documented hyper-parameter defaults (SGD's lr is required in 1.13, so absent)."""
    implementation = {'params', 'self', 'foreach', 'capturable', 'differentiable', 'fused'}
    out = {}
    for cls in (torch.optim.SGD, torch.optim.Adam, torch.optim.AdamW, torch.optim.RMSprop, torch.optim.Adagrad):
        sig = inspect.signature(cls.__init__).parameters.values()
        out[cls.__name__] = {p.name: list(p.default) if isinstance(p.default, tuple) else p.default
                             for p in sig if p.name not in implementation and p.default is not required}
    return out


def schedulers():
    sched = torch.optim.lr_scheduler
    configs = {
        'step': (lambda o: sched.StepLR(o, 3, 0.5), 12),
        'multistep': (lambda o: sched.MultiStepLR(o, [2, 5, 6], 0.3), 10),
        'exponential': (lambda o: sched.ExponentialLR(o, 0.9), 10),
        'cosine': (lambda o: sched.CosineAnnealingLR(o, 8, 0.001), 20),
        'linear': (lambda o: sched.LinearLR(o, start_factor=0.2, end_factor=0.9, total_iters=4), 8),
        'onecycle': (lambda o: sched.OneCycleLR(o, max_lr=0.5, total_steps=25), 25),
        'onecycle3': (lambda o: sched.OneCycleLR(o, max_lr=0.5, total_steps=20, anneal_strategy='linear', three_phase=True, pct_start=0.4), 20),
    }
    tensors = {}
    for name, (make, n) in configs.items():
        p = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
        s = make(opt)
        lrs, moms = [], []
        for _ in range(n):
            lrs.append(opt.param_groups[0]['lr'])
            moms.append(opt.param_groups[0]['momentum'])
            opt.step()
            s.step()
        tensors[name] = torch.tensor(lrs, dtype=torch.float64)
        if name.startswith('onecycle'):
            tensors[name + '_momentum'] = torch.tensor(moms, dtype=torch.float64)
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=1.0)
    s = sched.ReduceLROnPlateau(opt, factor=0.5, patience=2, cooldown=1, threshold=0.01, min_lr=0.05)
    metrics = [1.0, 0.9, 0.95, 0.91, 0.92, 0.93, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6]
    lrs = []
    for m in metrics:
        s.step(m)
        lrs.append(opt.param_groups[0]['lr'])
    tensors['plateau_metrics'] = torch.tensor(metrics, dtype=torch.float64)
    tensors['plateau'] = torch.tensor(lrs, dtype=torch.float64)
    save(os.path.join(OUT, 'schedulers.safetensors'), tensors)


def same_padding():
    """padding='same' with even kernels and dilation: PyTorch puts the odd padding element at the end."""
    torch.manual_seed(11)
    m = nn.ModuleDict({'c2': nn.Conv2d(2, 3, (4, 3), padding='same', dilation=(1, 2)), 'c1': nn.Conv1d(2, 2, 4, padding='same')})
    x2 = torch.randn(2, 2, 5, 6)
    x1 = torch.randn(1, 2, 7)
    model_fixture('conv_same', m, {'x2': x2, 'x1': x1}, lambda d: {'y2': d['c2'](x2), 'y1': d['c1'](x1)})


def halves():
    """The mlp fixture's model stored as F16 and as BF16 (as `model.half().state_dict()` would be), and the
    float32 outputs of the model whose weights were rounded that way."""
    torch.manual_seed(0)
    mlp = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    x = torch.randn(5, 4)
    io = {'input': x}
    for name, dtype in (('f16', torch.float16), ('bf16', torch.bfloat16)):
        sd = {k: v.to(dtype) for k, v in mlp.state_dict().items()}
        save(os.path.join(OUT, 'mlp.' + name + '.safetensors'), sd, {'format': 'pt'})
        rounded = copy.deepcopy(mlp)
        rounded.load_state_dict({k: v.float() for k, v in sd.items()})
        with torch.no_grad():
            io['output_' + name] = rounded(x)
        io.update({name + '.' + k: v.float() for k, v in sd.items()})
    save(os.path.join(OUT, 'halves.io.safetensors'), io)


LOSSES = {
    'ce': ('CrossEntropyLoss', {}, 'logits', 'classes'),
    'ce_weight_smoothing_ignore': ('CrossEntropyLoss', {'weight': 'class_weight', 'label_smoothing': 0.1, 'ignore_index': 2}, 'logits', 'classes'),
    'ce_spatial_sum': ('CrossEntropyLoss', {'reduction': 'sum', 'weight': 'class_weight3'}, 'logits4', 'classes4'),
    'ce_none_smoothing': ('CrossEntropyLoss', {'reduction': 'none', 'label_smoothing': 0.2}, 'logits', 'classes'),
    'nll_weight_ignore': ('NLLLoss', {'weight': 'class_weight', 'ignore_index': 1}, 'logp', 'classes'),
    'nll_none': ('NLLLoss', {'reduction': 'none'}, 'logp', 'classes'),
    'mse': ('MSELoss', {}, 'x', 'y'),
    'l1_sum': ('L1Loss', {'reduction': 'sum'}, 'x', 'y'),
    'smooth_l1': ('SmoothL1Loss', {'beta': 0.5}, 'x', 'y'),
    'smooth_l1_beta0_none': ('SmoothL1Loss', {'beta': 0.0, 'reduction': 'none'}, 'x', 'y'),
    'huber': ('HuberLoss', {'delta': 0.7}, 'x', 'y'),
    'bce_weight': ('BCELoss', {'weight': 'elem_weight'}, 'prob', 'soft_target'),
    'bce_logits_weight_sum': ('BCEWithLogitsLoss', {'weight': 'elem_weight', 'reduction': 'sum'}, 'x', 'soft_target'),
}


def losses():
    """Each loss module on float64 inputs: its value and the gradient of its sum with respect to the input."""
    torch.manual_seed(10)
    f64 = torch.float64
    logits = torch.randn(5, 4, dtype=f64)
    inputs = {
        'logits': logits, 'classes': torch.tensor([0, 3, 2, 1, 2]), 'logp': torch.log_softmax(logits, 1),
        'logits4': torch.randn(2, 3, 2, 2, dtype=f64), 'classes4': torch.randint(0, 3, (2, 2, 2)),
        'x': 2 * torch.randn(3, 4, dtype=f64), 'y': torch.randn(3, 4, dtype=f64),
        'prob': 0.01 + 0.98 * torch.rand(3, 4, dtype=f64), 'soft_target': torch.rand(3, 4, dtype=f64),
        'class_weight': torch.tensor([1.0, 2.0, 0.5, 1.5], dtype=f64), 'class_weight3': torch.tensor([0.3, 1.0, 2.0], dtype=f64),
        'elem_weight': 0.5 + torch.rand(4, dtype=f64),
    }
    tensors = dict(inputs)
    for name, (cls, opts, inp, tgt) in LOSSES.items():
        kwargs = {k: inputs[v] if k == 'weight' else v for k, v in opts.items()}
        x = inputs[inp].clone().requires_grad_(True)
        out = getattr(nn, cls)(**kwargs)(x, inputs[tgt])
        out.sum().backward()
        tensors[name] = out.detach()
        tensors[name + '.grad'] = x.grad
    save(os.path.join(OUT, 'losses.safetensors'), tensors, {'configs': json.dumps(LOSSES)})


# name: (module, options, forward's arguments, the arguments whose gradient is recorded). Options naming an
# input (weight, pos_weight) pass that tensor.
LOSSES_EXTRA = {
    'ce_prob': ('CrossEntropyLoss', {}, ['logits', 'probs'], [0, 1]),
    'ce_prob_weight_smoothing': ('CrossEntropyLoss', {'weight': 'class_weight', 'label_smoothing': 0.15}, ['logits', 'probs'], [0, 1]),
    'ce_prob_unnormalized_ignore_neg': ('CrossEntropyLoss', {'ignore_index': -1}, ['logits', 'soft'], [0, 1]),
    'ce_prob_spatial_sum_weight': ('CrossEntropyLoss', {'reduction': 'sum', 'weight': 'class_weight3'}, ['logits4', 'probs4'], [0, 1]),
    'ce_prob_spatial_mean_weight': ('CrossEntropyLoss', {'weight': 'class_weight3', 'label_smoothing': 0.05}, ['logits4', 'probs4'], [0, 1]),
    'ce_prob_spatial_none_smoothing': ('CrossEntropyLoss', {'reduction': 'none', 'label_smoothing': 0.3}, ['logits4', 'probs4'], [0, 1]),
    'ce_prob_1d_weight': ('CrossEntropyLoss', {'weight': 'class_weight'}, ['logits1', 'probs1'], [0, 1]),
    'ce_prob_1d_none': ('CrossEntropyLoss', {'reduction': 'none', 'label_smoothing': 1.0}, ['logits1', 'probs1'], [0, 1]),
    'bce_pos_weight': ('BCEWithLogitsLoss', {'pos_weight': 'pos_weight4'}, ['x', 'soft_target'], [0, 1]),
    'bce_pos_weight_weight_none': ('BCEWithLogitsLoss', {'pos_weight': 'pos_weight4', 'weight': 'elem_weight', 'reduction': 'none'}, ['x', 'soft_target'], [0, 1]),
    'bce_pos_weight_3d_sum': ('BCEWithLogitsLoss', {'pos_weight': 'pos_weight4', 'reduction': 'sum'}, ['x3', 'soft_target3'], [0, 1]),
    'bce_pos_weight_large_logits': ('BCEWithLogitsLoss', {'pos_weight': 'pos_weight1', 'reduction': 'none'}, ['big_logits', 'big_target'], [0, 1]),
    'kl_batchmean': ('KLDivLoss', {'reduction': 'batchmean'}, ['logq', 'p'], [0, 1]),
    'kl_mean': ('KLDivLoss', {}, ['logq', 'p'], [0, 1]),
    'kl_sum_zero_targets': ('KLDivLoss', {'reduction': 'sum'}, ['logq', 'p_zeros'], [0]),
    'kl_none_zero_targets': ('KLDivLoss', {'reduction': 'none'}, ['logq', 'p_zeros'], [0]),
    'kl_log_target_batchmean': ('KLDivLoss', {'reduction': 'batchmean', 'log_target': True}, ['logq4', 'logp4'], [0, 1]),
    'kl_log_target_none': ('KLDivLoss', {'reduction': 'none', 'log_target': True}, ['logq', 'logp'], [0, 1]),
    'kl_log_target_batchmean_1d': ('KLDivLoss', {'reduction': 'batchmean', 'log_target': True}, ['logq1', 'logp1'], [0, 1]),
}
TENSOR_OPTIONS = ('weight', 'pos_weight')


def losses_extra():
    """Probability targets, pos_weight and the further losses: values and the gradients of the sum with respect
    to the listed arguments (float64)."""
    torch.manual_seed(12)
    f64 = torch.float64

    def logp(shape, dim):
        return torch.log_softmax(torch.randn(*shape, dtype=f64), dim)
    inputs = {
        'logits': torch.randn(5, 4, dtype=f64), 'probs': torch.softmax(torch.randn(5, 4, dtype=f64), 1),
        'soft': torch.rand(5, 4, dtype=f64),
        'logits4': torch.randn(2, 3, 2, 2, dtype=f64), 'probs4': torch.softmax(torch.randn(2, 3, 2, 2, dtype=f64), 1),
        'logits1': torch.randn(4, dtype=f64), 'probs1': torch.softmax(torch.randn(4, dtype=f64), 0),
        'class_weight': torch.tensor([1.0, 2.0, 0.5, 1.5], dtype=f64), 'class_weight3': torch.tensor([0.3, 1.0, 2.0], dtype=f64),
        'x': 2 * torch.randn(3, 4, dtype=f64), 'soft_target': torch.rand(3, 4, dtype=f64),
        'x3': 3 * torch.randn(2, 3, 4, dtype=f64), 'soft_target3': torch.rand(2, 3, 4, dtype=f64),
        'elem_weight': 0.5 + torch.rand(4, dtype=f64), 'pos_weight4': torch.tensor([3.0, 0.25, 1.0, 7.5], dtype=f64),
        'pos_weight1': torch.tensor([4.0], dtype=f64),
        'big_logits': torch.tensor([-1000.0, -100.0, -40.0, -30.0, 0.0, 30.0, 40.0, 100.0, 1000.0], dtype=f64),
        'big_target': torch.tensor([1.0, 0.0, 0.5, 0.9, 0.3, 1.0, 0.0, 0.2, 0.7], dtype=f64),
        'logq': logp((3, 5), 1), 'p': torch.softmax(torch.randn(3, 5, dtype=f64), 1), 'logp': logp((3, 5), 1),
        'logq4': logp((2, 3, 4), 1), 'logp4': logp((2, 3, 4), 1), 'logq1': logp((5,), 0), 'logp1': logp((5,), 0),
    }
    inputs['p_zeros'] = inputs['p'] * (torch.rand(3, 5, dtype=f64) < 0.6)
    loss_fixture('losses_extra.safetensors', LOSSES_EXTRA, inputs)


def loss_fixture(file, configs, inputs):
    tensors = dict(inputs)
    for name, (cls, opts, args, grads) in configs.items():
        kwargs = {k: inputs[v] if k in TENSOR_OPTIONS else v for k, v in opts.items()}
        xs = [inputs[a].clone().requires_grad_(i in grads) for i, a in enumerate(args)]
        out = getattr(nn, cls)(**kwargs)(*xs)
        out.sum().backward()
        tensors[name] = out.detach()
        for i in grads:
            tensors[f'{name}.grad{i}'] = xs[i].grad
    save(os.path.join(OUT, file), tensors, {'configs': json.dumps(configs)})


# As LOSSES_EXTRA, for the Poisson, margin-ranking and cosine-embedding losses.
LOSSES_MORE = {
    'poisson': ('PoissonNLLLoss', {}, ['log_rate', 'counts'], [0, 1]),
    'poisson_full_sum': ('PoissonNLLLoss', {'full': True, 'reduction': 'sum'}, ['log_rate', 'counts_pos'], [0, 1]),
    'poisson_rate_eps_none': ('PoissonNLLLoss', {'log_input': False, 'eps': 0.01, 'reduction': 'none'}, ['rate', 'counts'], [0, 1]),
    'poisson_rate_full_broadcast': ('PoissonNLLLoss', {'log_input': False, 'full': True}, ['rate', 'counts_row'], [0]),
    'margin_ranking': ('MarginRankingLoss', {}, ['s1', 's2', 'sign'], [0, 1, 2]),
    'margin_ranking_margin_none': ('MarginRankingLoss', {'margin': 0.5, 'reduction': 'none'}, ['s1', 's2', 'sign'], [0, 1, 2]),
    'margin_ranking_2d_sum': ('MarginRankingLoss', {'margin': 0.3, 'reduction': 'sum'}, ['s1_2d', 's2_2d', 'sign_2d'], [0, 1]),
    'cosine': ('CosineEmbeddingLoss', {}, ['e1', 'e2', 'sign'], [0, 1]),
    'cosine_margin_none': ('CosineEmbeddingLoss', {'margin': 0.2, 'reduction': 'none'}, ['e1', 'e2', 'sign'], [0, 1]),
    'cosine_tiny_and_broadcast_sum': ('CosineEmbeddingLoss', {'margin': -0.3, 'reduction': 'sum'}, ['e_tiny', 'e_row', 'sign3'], [0, 1]),
    'cosine_1d': ('CosineEmbeddingLoss', {'margin': 0.1}, ['v1', 'v2', 'minus_one'], [0, 1]),
}


def losses_more():
    torch.manual_seed(13)
    f64 = torch.float64
    sign = torch.tensor([1.0, -1.0, -1.0, 1.0, 1.0, -1.0], dtype=f64)
    inputs = {
        'log_rate': torch.randn(3, 4, dtype=f64), 'counts': torch.randint(0, 5, (3, 4)).to(f64),
        'counts_pos': 0.25 + 4 * torch.rand(3, 4, dtype=f64), 'rate': 0.05 + 3 * torch.rand(3, 4, dtype=f64),
        'counts_row': torch.tensor([0.0, 1.0, 2.0, 7.0], dtype=f64),
        's1': torch.randn(6, dtype=f64), 's2': torch.randn(6, dtype=f64), 'sign': sign,
        's1_2d': torch.randn(3, 4, dtype=f64), 's2_2d': torch.randn(3, 4, dtype=f64), 'sign_2d': torch.tensor([[1.0], [-1.0], [1.0]], dtype=f64),
        'e1': torch.randn(6, 5, dtype=f64), 'e2': torch.randn(6, 5, dtype=f64),
        'e_tiny': torch.cat([1e-7 * torch.randn(1, 5, dtype=f64), torch.zeros(1, 5, dtype=f64), torch.randn(1, 5, dtype=f64)]),
        'e_row': torch.randn(1, 5, dtype=f64), 'sign3': torch.tensor([1.0, 1.0, -1.0], dtype=f64),
        'v1': torch.randn(5, dtype=f64), 'v2': torch.randn(5, dtype=f64), 'minus_one': torch.tensor(-1.0, dtype=f64),
    }
    loss_fixture('losses_more.safetensors', LOSSES_MORE, inputs)


if __name__ == '__main__':
    # `make_fixtures.py optimizers losses` writes only those groups (default: all).
    groups = {'models': models, 'same_padding': same_padding, 'halves': halves, 'optimizers': optimizers, 'schedulers': schedulers, 'losses': losses,
              'losses_extra': losses_extra, 'losses_more': losses_more}
    os.makedirs(OUT, exist_ok=True)
    torch.set_default_dtype(torch.float32)
    for name in sys.argv[1:] or groups:
        groups[name]()
