import { runService } from '#libs/service';
import { start } from './server';

void runService('stream', start, { verifiesTokens: true });
