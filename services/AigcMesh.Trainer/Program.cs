using AigcMesh.Hosting;
using AigcMesh.Trainer;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(TrainerServiceModule.ServiceName);
builder.AddTrainerService();
builder.AddMessaging(bus => bus.AddTrainerConsumers());

var app = builder.Build();
app.UseServiceDefaults();
app.MapTrainerApi();
app.Run();
