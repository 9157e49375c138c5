import type * as nodegrad from 'nodegrad';

export declare const MNIST_MEAN: number;
export declare const MNIST_STD: number;
export declare function lenet5(ng: typeof nodegrad): nodegrad.nn.Sequential;
export declare function createClassifier(ng: typeof nodegrad, weightsPath: string): (pixels: Float32Array) => Float32Array;
