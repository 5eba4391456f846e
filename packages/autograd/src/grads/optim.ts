/** The fused optimizer updates have several outputs and change state: the tape refuses to record them on watched inputs. */
import { NOT_DIFFERENTIABLE } from './types';

export const AdamUpdate = NOT_DIFFERENTIABLE;
export const SGDUpdate = NOT_DIFFERENTIABLE;
