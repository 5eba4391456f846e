// The child process of save-crash.test.ts: saves the crash models over `dir`, in turn, until it is killed.
import { saveModel } from '../node';
import { crashModels } from './save-crash-models';

const dir = process.argv[2]!;
const models = crashModels();
process.stdout.write('ready\n');
for (let i = 0; ; i++) await saveModel(models[i % models.length]!, dir);
