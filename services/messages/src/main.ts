import { runService } from '#libs/service';
import { start } from './server';

void runService('messages', start, { verifiesTokens: true });
