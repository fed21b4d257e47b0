/**
 * Version of the numerical engine. Part of every run's identity, together with the engine chosen for the
 * run (auto, fast or ts: TrainRequest.engine): bump it whenever a change to src/train/ can change any
 * recorded number, so that resumed sweeps never mix results of two engines.
 *
 * History: 1 = TypeScript engine only. 2 = recorded numbers come from the default engine choice
 * (DLSWEEP_ENGINE=auto): the WebAssembly SIMD path (src/train/fast/) for plain full-batch gradient descent
 * with relu hidden layers, the TypeScript path for everything else; the two agree to ~1e-12, not bit for bit.
 * 3 = the fast path trains each distinct training sample once, weighted by its count (same sums, other order).
 * 4 = the engine choice is an input of each training (and of its identity) instead of a variable read by the
 * training code; numbers are those of version 3.
 * 5 = the fast path implements every training option (update rules, schedules, L2, dropout, mini-batches,
 * early stopping, every hidden activation), so `auto` records the numbers of those trainings from it too.
 * 6 = trainings record a curve point at every checkpoint, so a run sharing a longer training gets the point at
 * its own length in curve.csv (as a separate training does).
 * 7 = the fast path's early-stopping checks take the validation loss from the kernels at every check (recorded
 * point or not), so where checkpoints fall never moves a decision by a rounding; a training can be continued
 * from its state (TrainRequest.resume) with the numbers of one training.
 * 8 = the fast path's exp and tanh come from generated tables (Tang's exp; tanh by the addition formula):
 * other roundings, so its recorded numbers change in the last bits.
 * 9 = the fast path's tanh and sigmoid (hidden units and the output unit) come from Padé approximants around
 * table points (tanh(j/128), e^(-j/64)): other roundings, so its recorded numbers change in the last bits.
 */
export const ENGINE_VERSION = '9';
