/**
 * The MNIST models (LeNet-5 joins when the convolution layers land), as `nn.Sequential`s laid out exactly as the equivalent PyTorch `nn.Sequential`, so
 * their state dicts have PyTorch's key names (0.weight, 0.bias, 2.weight, ...) and a saved file loads in
 * PyTorch with `model.load_state_dict(safetensors.torch.load_file(path))` unchanged.
 */
import { nn } from '../../lib/index.js';

/** MLP 784 → 256 → ReLU → 10, input [N, 784]. */
export function mlp(hidden = 256): nn.Sequential {
  return new nn.Sequential(new nn.Linear(784, hidden), new nn.ReLU(), new nn.Linear(hidden, 10));
}
