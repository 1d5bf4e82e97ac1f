using AigcMesh.Embedded;

await using var mesh = await EmbeddedMesh.StartAsync(args);
Console.WriteLine($"AigcMesh is running: gateway {mesh.GatewayAddress} (services at {mesh.BackendAddress}). Ctrl+C stops it.");
await mesh.WaitForShutdownAsync();
