import { runService } from '@permed/service-kit';
import { proposalsModule } from './index.ts';

await runService(proposalsModule, 3002);
