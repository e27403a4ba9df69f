import { runService } from '@permed/service-kit';
import { eligibilityModule } from './index.ts';

await runService(eligibilityModule, 3003);
