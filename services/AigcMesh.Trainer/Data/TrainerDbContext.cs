using Microsoft.EntityFrameworkCore;

namespace AigcMesh.Trainer.Data;

/// <summary>The trainer service's own database (a Sqlite file in its data directory).</summary>
public sealed class TrainerDbContext(DbContextOptions<TrainerDbContext> options) : DbContext(options)
{
}
