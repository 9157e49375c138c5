/**
 * The MNIST models, as `nn.Sequential`s laid out exactly as the equivalent PyTorch `nn.Sequential`, so
 * their state dicts have PyTorch's key names (0.weight, 0.bias, 3.weight, ...) and a saved file loads in
 * PyTorch with `model.load_state_dict(safetensors.torch.load_file(path))` unchanged.
 */
import { nn } from '../../lib/index.js';

/**
 * LeNet-5 (modern form: ReLU and max pooling), input [N, 1, 28, 28] → logits [N, 10]:
 * conv 5×5→6 pad 2, ReLU, maxpool 2 → [6, 14, 14]; conv 5×5→16, ReLU, maxpool 2 → [16, 5, 5];
 * flatten 400 → 120 → 84 → 10 with ReLUs between.
 */
export function lenet5(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 6, 5, { padding: 2 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(6, 16, 5),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
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
