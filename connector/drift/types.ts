export interface DriftAlert {
  id: string;
}
