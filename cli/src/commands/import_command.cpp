#include "commands/import_command.hpp"

#include "criteria_pipeline.hpp"
#include "import_pipeline.hpp"
#include "json_output.hpp"
#include "terminal_progress.hpp"

#include <fmt/core.h>

namespace trialmatch::cli {

void ImportCommand::setup(CLI::App& subcommand) {
    subcommand
        .add_option("paths", m_inputs, "study files, directories, NDJSON or bulk ZIP archives")
        ->required();
    subcommand.add_option("--format", m_format, "summary format")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    subcommand.add_option("--batch-size", m_batch_size, "studies per store transaction")
        ->check(CLI::Range(1U, 1000000U))
        ->capture_default_str();
}

Exit ImportCommand::run() {
    ImportConfig config;
    config.store_path = store_path();
    config.batch_size = m_batch_size;
    for (const auto& input : m_inputs) {
        config.inputs.emplace_back(input);
    }
    TerminalProgress progress{global().progress};
    const auto report =
        import_studies(config, progress, [&](const connectors::Rejection& rejection) {
            progress.clear();
            print_rejection(rejection);
        });
    compile_stale_criteria(config.store_path, progress);
    progress.clear();
    const auto& c = report.counts;
    if (m_format == "json") {
        JsonOutput json{"trialmatch-import/1"};
        json.field("store", config.store_path.string());
        json.field("files", report.files);
        json.field("read", c.read);
        json.field("new", c.inserted);
        json.field("updated", c.updated);
        json.field("unchanged", c.unchanged);
        json.field("older_ignored", report.older);
        json.field("rejected", c.rejected);
        json.key("rejections");
        json.start_array();
        for (const auto& rejection : report.rejections) {
            json.start_object();
            json.field("file", rejection.where.file);
            json.field_or_null("position", rejection.where.position);
            json.field_or_null("nct_id", rejection.nct_id);
            json.field("reason", rejection.reason);
            json.end_object();
        }
        json.end_array();
        json.print();
    } else {
        fmt::print("imported {} studies from {} files into {}\n",
                   c.read,
                   report.files,
                   config.store_path.string());
        fmt::print("  new {}, updated {}, unchanged {}, rejected {}\n",
                   c.inserted,
                   c.updated,
                   c.unchanged,
                   c.rejected);
        if (report.older > 0) {
            fmt::print("  {} older copies ignored (the store holds a later version)\n",
                       report.older);
        }
    }
    return c.rejected == 0 ? Exit::ok : Exit::processing_error;
}

} // namespace trialmatch::cli
