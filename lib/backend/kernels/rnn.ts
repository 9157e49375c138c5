/** The rnn kernel family: signatures shared by the native addon and the JS twin. */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface RnnKernels {}
