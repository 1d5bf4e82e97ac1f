using AigcMesh.Embedded;

await using var mesh = await EmbeddedMesh.StartAsync(args);
Console.WriteLine($"AigcMesh is running: gateway {mesh.GatewayAddress} (services at {mesh.BackendAddress}). Ctrl+C stops it.");
if (mesh.GeneratedApiKey is not null)
{
    Console.WriteLine($"API key for this run (read-write; send it as X-Api-Key): {mesh.GeneratedApiKey}");
    Console.WriteLine("To keep a key across runs, configure its SHA-256: Gateway__ApiKeys__0__Hash=<hex> Gateway__ApiKeys__0__Scope=Write.");
}
await mesh.WaitForShutdownAsync();
