"""Times the vs-pytorch workloads in PyTorch; called by vs_pytorch.ts. Prints one JSON object per line."""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

cfg = json.loads(sys.argv[1])
torch.manual_seed(0)
B = 64


def timeit(fn, budget_ms, min_samples=5, max_samples=200):
    fn()
    times = []
    start = time.perf_counter()
    while len(times) < max_samples and (len(times) < min_samples or (time.perf_counter() - start) * 1000 < budget_ms):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return times[len(times) // 2], times[0], times[-1]


def conv(n, c, hw, oc):
    x, w, b = torch.randn(n, c, hw, hw), torch.randn(oc, c, 3, 3), torch.randn(oc)
    return lambda: F.conv2d(x, w, b, padding=1)


def lstm():
    m, x = nn.LSTM(128, 256), torch.randn(32, 64, 128)
    return lambda: m(x)


def train(model, x):
    y = torch.randint(0, 10, (B,))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()
    return step


def build(name):
    if name == 'gemm 1024':
        a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
        return lambda: torch.mm(a, b)
    if name == 'conv-a fwd':
        return conv(64, 1, 28, 64)
    if name == 'conv-b fwd':
        return conv(32, 64, 32, 64)
    if name == 'maxpool 2x2 fwd':
        x = torch.randn(64, 64, 28, 28)
        return lambda: F.max_pool2d(x, 2, 2)
    if name == 'lstm fwd':
        return lstm()
    if name.startswith('mlp'):
        return train(eval(cfg['models']['mlp']), torch.randn(B, 784))
    if name.startswith('lenet5'):
        return train(eval(cfg['models']['lenet5']), torch.randn(B, 1, 28, 28))
    return None


def blas_library():
    """The BLAS PyTorch's matmul runs on (Debian's build links the generic libblas.so.3, so it depends on
    which provider is installed: the reference libblas3 is ~100x slower than OpenBLAS)."""
    torch.randn(8, 8) @ torch.randn(8, 8)
    with open('/proc/self/maps') as maps:
        libs = sorted({line.split()[-1] for line in maps if 'blas' in line.rsplit('/', 1)[-1]})
    return libs


def set_blas_threads(threads):
    """torch.set_num_threads covers OpenMP; OpenBLAS keeps its own pool, sized separately."""
    import ctypes
    for lib in blas_libs:
        try:
            ctypes.CDLL(lib).openblas_set_num_threads(threads)
        except (OSError, AttributeError):
            pass


blas_libs = blas_library()
print(json.dumps({'note': 'PyTorch %s, BLAS: %s' % (torch.__version__, ', '.join(blas_libs) or 'none found')}), flush=True)

for threads in cfg['threads']:
    torch.set_num_threads(threads)
    set_blas_threads(threads)
    for name in cfg['cases']:
        fn = build(name)
        if fn is None:
            continue
        with torch.no_grad() if 'train' not in name else torch.enable_grad():
            med, lo, hi = timeit(fn, cfg['budget_ms'])
        print(json.dumps({'case': name, 'threads': threads, 'median_ms': med, 'min_ms': lo, 'max_ms': hi}), flush=True)
