/** `nn`: modules, layers, functional forms, initialisers and utilities, named as PyTorch's. */
export { Module, Parameter } from './module.js';
export type { LoadResult, StateDict } from './module.js';
export { ModuleDict, ModuleList, Sequential } from './containers.js';
export { Dropout, Embedding, Flatten, Identity, Linear } from './layers.js';
export type { EmbeddingOptions, FactoryOptions } from './layers.js';
export { AdaptiveAvgPool2d, AvgPool2d, Conv1d, Conv2d, MaxPool2d } from './conv.js';
export type { ConvOptions, PoolOptions } from './conv.js';
export { BatchNorm1d, BatchNorm2d, LayerNorm } from './normalization.js';
export type { BatchNormOptions } from './normalization.js';
export { ELU, GELU, LeakyReLU, LogSoftmax, ReLU, SiLU, Sigmoid, Softmax, Softplus, Tanh } from './activation.js';
export { GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell } from './rnn.js';
export type { RecurrentMode, RecurrentOptions } from './rnn.js';
export {
  BCELoss, BCEWithLogitsLoss, CosineEmbeddingLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss, MarginRankingLoss, MSELoss,
  NLLLoss, PoissonNLLLoss, SmoothL1Loss,
} from './loss.js';
export type {
  BCEWithLogitsLossOptions, CrossEntropyLossOptions, KLDivLossOptions, LossOptions, MarginLossOptions, PoissonNLLLossOptions,
  WeightedLossOptions,
} from './loss.js';
export * as init from './init.js';
export * as functional from './functional.js';
export * as utils from './utils.js';
