using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AigcMesh.Evaluator.Pipelines.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Pipelines",
                columns: table => new
                {
                    CorrelationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    CurrentState = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    RequestCorrelationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Family = table.Column<string>(type: "TEXT", nullable: false),
                    BuiltInDataset = table.Column<string>(type: "TEXT", nullable: true),
                    HyperparametersJson = table.Column<string>(type: "TEXT", nullable: false),
                    MaxSteps = table.Column<int>(type: "INTEGER", nullable: true),
                    MaxWallSeconds = table.Column<double>(type: "REAL", nullable: true),
                    Seed = table.Column<int>(type: "INTEGER", nullable: false),
                    EvaluationSampleCount = table.Column<int>(type: "INTEGER", nullable: false),
                    SampleCount = table.Column<int>(type: "INTEGER", nullable: false),
                    SamplePrompt = table.Column<string>(type: "TEXT", nullable: false),
                    SampleMaxNewTokens = table.Column<int>(type: "INTEGER", nullable: false),
                    SampleTemperature = table.Column<double>(type: "REAL", nullable: false),
                    DatasetStatus = table.Column<string>(type: "TEXT", nullable: false),
                    TrainingStatus = table.Column<string>(type: "TEXT", nullable: false),
                    EvaluationStatus = table.Column<string>(type: "TEXT", nullable: false),
                    GenerationStatus = table.Column<string>(type: "TEXT", nullable: false),
                    FailedStage = table.Column<string>(type: "TEXT", nullable: true),
                    FailureReason = table.Column<string>(type: "TEXT", nullable: true),
                    DatasetId = table.Column<string>(type: "TEXT", nullable: true),
                    ModelId = table.Column<Guid>(type: "TEXT", nullable: true),
                    TrainingSteps = table.Column<int>(type: "INTEGER", nullable: true),
                    MetricsJson = table.Column<string>(type: "TEXT", nullable: true),
                    BaselinesJson = table.Column<string>(type: "TEXT", nullable: true),
                    ArtifactIdsJson = table.Column<string>(type: "TEXT", nullable: true),
                    GridArtifactId = table.Column<string>(type: "TEXT", nullable: true),
                    GeneratedText = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Pipelines", x => x.CorrelationId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Pipelines_CreatedAt",
                table: "Pipelines",
                column: "CreatedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Pipelines");
        }
    }
}
