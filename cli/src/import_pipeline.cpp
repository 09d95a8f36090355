#include "import_pipeline.hpp"

#include "trialmatch/data/store_error.hpp"

namespace trialmatch::cli {

namespace {

/// Upserts each study into the store, committing every `batch_size` studies.
class StoreSink final : public connectors::StudySink {
public:
    StoreSink(data::TrialStore& store,
              unsigned batch_size,
              ImportReport& report,
              const std::function<void(const connectors::Rejection&)>& on_rejection) :
        m_store(store),
        m_batch_size(batch_size),
        m_report(report),
        m_on_rejection(on_rejection) {}

    void study(const connectors::SourceLocation& /*where*/,
               connectors::ParsedStudy&& study) override {
        if (m_in_batch == 0) {
            m_store.begin_batch();
        }
        ++m_report.counts.read;
        switch (m_store.upsert(study.trial, study.compact_json, m_report.run_id)) {
        case data::UpsertResult::inserted:
            ++m_report.counts.inserted;
            break;
        case data::UpsertResult::updated:
            ++m_report.counts.updated;
            break;
        case data::UpsertResult::unchanged:
            ++m_report.counts.unchanged;
            break;
        case data::UpsertResult::older:
            ++m_report.counts.unchanged;
            ++m_report.older;
            break;
        }
        if (++m_in_batch >= m_batch_size) {
            flush();
        }
    }

    void rejected(connectors::Rejection&& rejection) override {
        ++m_report.counts.rejected;
        if (m_on_rejection) {
            m_on_rejection(rejection);
        }
        m_report.rejections.push_back(std::move(rejection));
    }

    void flush() {
        if (m_in_batch > 0) {
            m_store.commit_batch();
            m_in_batch = 0;
        }
    }

    void abandon() {
        if (m_in_batch > 0) {
            m_store.rollback_batch();
            m_in_batch = 0;
        }
    }

private:
    data::TrialStore& m_store;
    unsigned m_batch_size;
    ImportReport& m_report;
    const std::function<void(const connectors::Rejection&)>& m_on_rejection;
    unsigned m_in_batch = 0;
};

std::string describe(const std::vector<std::filesystem::path>& inputs) {
    std::string text;
    for (const auto& input : inputs) {
        if (!text.empty()) {
            text += ' ';
        }
        text += input.string();
    }
    return text;
}

} // namespace

ImportReport import_studies(const ImportConfig& config,
                            engine::ProgressSink& progress,
                            const std::function<void(const connectors::Rejection&)>& on_rejection) {
    for (const auto& input : config.inputs) {
        std::error_code error;
        if (!std::filesystem::exists(input, error)) {
            throw Error{ErrorCode::usage, input.string() + ": no such file or directory"};
        }
    }
    data::TrialStore store{config.store_path};
    ImportReport report;
    report.run_id = store.start_run("import", describe(config.inputs));
    StoreSink sink{store, config.batch_size == 0 ? 1 : config.batch_size, report, on_rejection};
    try {
        const auto read = connectors::read_study_paths(config.inputs, sink, progress);
        sink.flush();
        report.files = read.files;
        report.bytes = read.bytes;
    } catch (const Error& failure) {
        sink.abandon();
        store.finish_run(report.run_id, report.counts, "failed", failure.what());
        throw;
    }
    store.finish_run(
        report.run_id,
        report.counts,
        report.counts.rejected == 0 ? "ok" : "partial",
        report.counts.rejected == 0 ? "" : std::to_string(report.counts.rejected) + " rejected");
    return report;
}

} // namespace trialmatch::cli
