/**
 * LeNet-5 inference on a 28×28 drawing, given the nodegrad module and a `lenet5.safetensors` written by
 * `npm run mnist` (the layout of examples/mnist/models.ts). Plain JavaScript so Electron runs it as is.
 */
export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;

export function lenet5({ nn }) {
  return new nn.Sequential(
    new nn.Conv2d(1, 6, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(6, 16, 5), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(400, 120), new nn.ReLU(), new nn.Linear(120, 84), new nn.ReLU(), new nn.Linear(84, 10),
  );
}

/** Returns classify(pixels: Float32Array of 784 values in [0, 1]) → ten probabilities. */
export function createClassifier(ng, weightsPath) {
  const model = lenet5(ng);
  model.loadStateDict(ng.load(weightsPath));
  model.eval();
  return (pixels) => {
    if (!(pixels instanceof Float32Array) || pixels.length !== 784) {
      throw new TypeError(`classify: expected a Float32Array of 784 pixels, got ${pixels?.constructor?.name} of ${pixels?.length}`);
    }
    const x = new Float32Array(784);
    for (let i = 0; i < 784; i++) x[i] = (pixels[i] - MNIST_MEAN) / MNIST_STD;
    return ng.noGrad(() => ng.softmax(model.forward(new ng.Tensor(x, [1, 1, 28, 28])), 1).data.slice());
  };
}
