import { dispatch } from '../cli-dispatch.ts';

await dispatch(import.meta.url, 'finetune');
