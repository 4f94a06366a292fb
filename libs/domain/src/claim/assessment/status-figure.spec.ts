import { readFileSync } from 'node:fs';
import { ASSESSMENT_MODEL_V1, ASSESSMENT_MODEL_V2 } from './models';
// The figure's generator lives with the docs tooling; the test lives here, beside the rules it draws.
import { assessmentStatusFigure, FIGURE_FILE, statusAt } from '../../../../../infra/docs/assessment-figure';

describe('docs/assessment-status.svg', () => {
  it('is what `npm run docs:assessment` draws from the current status rules', () => {
    expect(readFileSync(FIGURE_FILE, 'utf8')).toBe(assessmentStatusFigure());
  });

  it('draws the dead zone of v1 and its absence in v2 (two B outlets against one B research organisation)', () => {
    expect(statusAt(3, 1.5, ASSESSMENT_MODEL_V1)).toBe('unverified');
    expect(statusAt(3, 1.5, ASSESSMENT_MODEL_V2)).toBe('contested');
  });
});
