using AigcMesh.Cli;

return await AigcCli.RunAsync(args, CliEnvironment.FromProcess());
