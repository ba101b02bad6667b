import { runService } from '#libs/service';
import { start } from './server';

// The web service verifies no token: it serves the app and proxies to the services that do.
void runService('web', start, { verifiesTokens: false });
