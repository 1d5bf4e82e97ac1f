using AigcMesh.Hosting;
using AigcMesh.Generator;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(GeneratorServiceModule.ServiceName);
builder.AddGeneratorService();
builder.AddMessaging(bus => bus.AddGeneratorConsumers());

var app = builder.Build();
app.UseServiceDefaults();
app.MapGeneratorApi();
app.Run();
