export { DTypeError, FormatError, IndexError, NNError, ShapeError, StateError, ValueError, fmtShape } from './errors';
