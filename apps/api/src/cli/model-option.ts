import { ASSESSMENT_MODEL_NAMES, ASSESSMENT_MODELS, CURRENT_ASSESSMENT_MODEL, type AssessmentModelName, type AssessmentParams } from '@claims/domain';
import { CliUsageError } from './cli-options';

/** The name (`v2`) of the model live projections use. */
export const CURRENT_MODEL_NAME: AssessmentModelName =
  ASSESSMENT_MODEL_NAMES.find((name) => ASSESSMENT_MODELS[name] === CURRENT_ASSESSMENT_MODEL) ?? ASSESSMENT_MODEL_NAMES[ASSESSMENT_MODEL_NAMES.length - 1];

/** `--model <name>`: one of the models the domain names; the current one when omitted. */
export const modelOption = (value: string | undefined, usage: string): { name: AssessmentModelName; params: AssessmentParams } => {
  const name = value ?? CURRENT_MODEL_NAME;
  if (!(ASSESSMENT_MODEL_NAMES as string[]).includes(name)) {
    throw new CliUsageError(`unknown model ${name}; one of ${ASSESSMENT_MODEL_NAMES.join(', ')}\nusage: ${usage}`);
  }
  return { name: name as AssessmentModelName, params: ASSESSMENT_MODELS[name as AssessmentModelName] };
};
