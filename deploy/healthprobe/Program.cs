using AigcMesh.HealthProbe;

return await HealthProbe.RunAsync(args, Console.Error);
