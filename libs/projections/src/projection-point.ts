/** Where in the log a view stands: the stream version and global position of the last event applied. */
export interface ProjectionPoint {
  version: number;
  position: number;
  /** `recordedAt` of that event: views carry no wall-clock time, so a rebuild reproduces them exactly. */
  updatedAt: string;
}
