import { runService } from '../../../libs/service/run-service';
import { start } from './server';

void runService('messages', start, { verifiesTokens: true });
