/**
 * @nn/layers under Node (the `node` export condition): everything of the main entry, with file paths working
 * in `saveModel`/`loadModel`, `saveSafetensors`/`loadSafetensors` and checkpoints. Other runtimes load the
 * main entry, which never imports a Node module, so bundles for the browser stay clean.
 */
import { setFileAccess } from './io/files';
import { nodeFileAccess } from './io/node-files';

setFileAccess(nodeFileAccess());

export * from './index';
