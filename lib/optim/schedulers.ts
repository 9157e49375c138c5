/** `optim.lrScheduler`: every learning-rate scheduler. */
export * from './lr_scheduler.js';
export * from './lr_scheduler_adaptive.js';
