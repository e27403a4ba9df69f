import { runService } from '@permed/service-kit';
import { fundingModule } from './index.ts';

await runService(fundingModule, 3005);
