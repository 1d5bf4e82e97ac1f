using AigcMesh.Gateway;
using AigcMesh.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(GatewayServiceModule.ServiceName);
builder.AddGatewayService();

var app = builder.Build();
app.UseServiceDefaults();
app.MapGatewayApi();
app.Run();
