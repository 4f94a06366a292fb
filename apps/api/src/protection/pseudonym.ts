/** The name a confidential source is recorded under, in the log and every read model: "Confidential source 7". */
export const pseudonymBase = (number: number): string => `Confidential source ${number}`;
