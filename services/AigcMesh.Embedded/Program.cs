using AigcMesh.Embedded;

// `aigcmesh` runs the mesh until Ctrl+C; `aigcmesh pipeline [images|text]` runs one pipeline on a built-in data set and exits.
var pipeline = args.Length > 0 && args[0] == "pipeline";
var rest = pipeline ? args[1..].Where(a => a is not ("images" or "text")).ToArray() : args;
await using var mesh = await EmbeddedMesh.StartAsync(rest);
Console.WriteLine($"AigcMesh is running: gateway {mesh.GatewayAddress} (services at {mesh.BackendAddress}).");
Console.WriteLine($"API reference: {mesh.GatewayAddress}docs (OpenAPI document: {mesh.GatewayAddress}openapi/aigcmesh.json).");
if (mesh.GeneratedApiKey is not null)
{
    Console.WriteLine($"API key for this run (read-write; send it as X-Api-Key): {mesh.GeneratedApiKey}");
    Console.WriteLine("To keep a key across runs, configure its SHA-256: Gateway__ApiKeys__0__Hash=<hex> Gateway__ApiKeys__0__Scope=Write.");
}
if (pipeline)
{
    using var cancel = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
    return await PipelineCommand.RunAsync(mesh, args[1..], mesh.DataDirectory, cancel.Token);
}
Console.WriteLine("Ctrl+C stops it.");
await mesh.WaitForShutdownAsync();
return 0;
