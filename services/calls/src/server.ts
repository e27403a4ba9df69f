import { runService } from '@permed/service-kit';
import { callsModule } from './index.ts';

await runService(callsModule, 3001);
