/** The files of a multipart form field; browsers send an empty file input as one nameless, empty file, which is dropped. */
export async function filesFromForm(form: FormData, field = "files") {
  const files = form.getAll(field).filter((f): f is File => typeof f !== "string" && !!f.name && f.size > 0);
  return Promise.all(files.map(async (f) => ({ path: f.name, data: Buffer.from(await f.arrayBuffer()) })));
}
