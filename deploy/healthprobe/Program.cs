using AigcMesh.HealthProbe;

return await Probe.RunAsync(args, Console.Error);
