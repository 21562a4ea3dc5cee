/**
 * Resource names from what users type: a bare ID (in the client's project, location and
 * experiment) or a full `projects/...` name. IDs are not validated here: the server owns the
 * Vertex ID rules and answers a bad name with INVALID_ARGUMENT naming the field.
 */

/** The value of `collection` in a resource name: `segment(name, "runs")` is the run ID. */
export function segment(name: string, collection: string): string {
  const parts = name.split("/");
  for (let i = 0; i + 1 < parts.length; i += 2) {
    if (parts[i] === collection) return parts[i + 1]!;
  }
  return "";
}

export function locationName(project: string, location: string): string {
  return `projects/${project}/locations/${location}`;
}

export function experimentName(experiment: string, project: string, location: string): string {
  return experiment.startsWith("projects/") ? experiment : `${locationName(project, location)}/experiments/${experiment}`;
}


/**
 * A full resource name from an ID or a name: `projects/...` stays as is, an ID becomes
 * `projects/{project}/locations/{location}/{collection}/{id}`.
 */
export function inLocation(nameOrId: string, collection: string, project: string, location: string): string {
  return nameOrId.startsWith("projects/") ? nameOrId : `${locationName(project, location)}/${collection}/${nameOrId}`;
}
