using AigcMesh.Hosting;
using AigcMesh.Dataset;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(DatasetServiceModule.ServiceName);
builder.AddDatasetService();
builder.AddMessaging(bus => bus.AddDatasetConsumers());

var app = builder.Build();
app.UseServiceDefaults();
app.MapDatasetApi();
app.Run();
