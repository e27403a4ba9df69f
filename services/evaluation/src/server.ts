import { runService } from '@permed/service-kit';
import { evaluationModule } from './index.ts';

await runService(evaluationModule, 3004);
