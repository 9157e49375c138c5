/**
 * The MNIST models, as `nn.Sequential`s laid out exactly as the equivalent PyTorch `nn.Sequential`, so
 * their state dicts have PyTorch's key names (0.weight, 0.bias, 3.weight, ...) and a saved file loads in
 * PyTorch with `model.load_state_dict(safetensors.torch.load_file(path))` unchanged.
 */
import { conv2d, maxPool2d, nn, zeros, type Tensor } from '../../lib/index.js';

/**
 * A 2-D convolution layer (stride 1) over the conv2d op, initialised as PyTorch's nn.Conv2d: weight
 * kaiming-uniform with a = √5, bias U(−1/√fanIn, 1/√fanIn). Here until nn has its own Conv2d.
 */
export class Conv2d extends nn.Module {
  weight: nn.Parameter;
  bias: nn.Parameter;

  constructor(inChannels: number, outChannels: number, kernelSize: number, readonly padding = 0) {
    super();
    this.weight = new nn.Parameter(zeros([outChannels, inChannels, kernelSize, kernelSize]));
    this.bias = new nn.Parameter(zeros([outChannels]));
    nn.init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    const bound = 1 / Math.sqrt(inChannels * kernelSize * kernelSize);
    nn.init.uniform_(this.bias, -bound, bound);
  }

  override forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, { padding: this.padding });
  }
}

/** 2×2 max pooling with stride 2. */
export class MaxPool2d extends nn.Module {
  override forward(x: Tensor): Tensor {
    return maxPool2d(x, 2);
  }
}

/**
 * LeNet-5 (modern form: ReLU and max pooling), input [N, 1, 28, 28] → logits [N, 10]:
 * conv 5×5→6 pad 2, ReLU, maxpool 2 → [6, 14, 14]; conv 5×5→16, ReLU, maxpool 2 → [16, 5, 5];
 * flatten 400 → 120 → 84 → 10 with ReLUs between.
 */
export function lenet5(): nn.Sequential {
  return new nn.Sequential(
    new Conv2d(1, 6, 5, 2),
    new nn.ReLU(),
    new MaxPool2d(),
    new Conv2d(6, 16, 5),
    new nn.ReLU(),
    new MaxPool2d(),
    new nn.Flatten(),
    new nn.Linear(16 * 5 * 5, 120),
    new nn.ReLU(),
    new nn.Linear(120, 84),
    new nn.ReLU(),
    new nn.Linear(84, 10),
  );
}

/** MLP 784 → 256 → ReLU → 10, input [N, 784]. */
export function mlp(hidden = 256): nn.Sequential {
  return new nn.Sequential(new nn.Linear(784, hidden), new nn.ReLU(), new nn.Linear(hidden, 10));
}
