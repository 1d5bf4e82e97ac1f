using AigcMesh.Hosting;
using AigcMesh.Evaluator;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(EvaluatorServiceModule.ServiceName);
builder.AddEvaluatorService();
builder.AddMessaging(bus => bus.AddEvaluatorConsumers());

var app = builder.Build();
app.UseServiceDefaults();
app.MapEvaluatorApi();
app.Run();
