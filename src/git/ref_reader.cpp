#include "git/ref_reader.hpp"

#include <algorithm>

namespace git {

namespace {

constexpr int k_max_tag_depth = 64;

model::ObjectKind kind_of(git_object_t type) {
    switch (type) {
    case GIT_OBJECT_COMMIT:
        return model::ObjectKind::commit;
    case GIT_OBJECT_TREE:
        return model::ObjectKind::tree;
    case GIT_OBJECT_BLOB:
        return model::ObjectKind::blob;
    case GIT_OBJECT_TAG:
        return model::ObjectKind::tag;
    default:
        return model::ObjectKind::unknown;
    }
}

// Follow a chain of annotated tags from `ref.target`, filling the peeled id
// and kind; the outermost tag gives the tagger time.
void peel_tags(git_repository* repo, git_oid current, model::Ref& ref) {
    for (int depth = 0; depth < k_max_tag_depth; ++depth) {
        git_tag* raw = nullptr;
        if (api().tag_lookup(&raw, repo, &current) != 0) {
            ref.peeled_kind = model::ObjectKind::unknown;
            return;
        }
        const TagPtr tag(raw);
        const git_signature* tagger = api().tag_tagger(tag.get());
        if (depth == 0 && tagger != nullptr) {
            ref.tagger_time = tagger->when.time;
        }
        current = *api().tag_target_id(tag.get());
        ref.peeled = to_hex(current);
        ref.peeled_kind = kind_of(api().tag_target_type(tag.get()));
        if (ref.peeled_kind != model::ObjectKind::tag) {
            return;
        }
    }
    ref.peeled_kind = model::ObjectKind::unknown;
}

model::Expected<OdbPtr> odb_of(git_repository* repo) {
    git_odb* odb = nullptr;
    if (api().repository_odb(&odb, repo) != 0) {
        return model::fail(error_message("opening the object database"));
    }
    return OdbPtr(odb);
}

model::Ref describe(git_repository* repo, git_odb* odb, const std::string& name,
                    const git_oid& target) {
    model::Ref ref;
    ref.name = name;
    ref.target = to_hex(target);
    ref.peeled = ref.target;
    std::size_t size = 0;
    git_object_t type = GIT_OBJECT_INVALID;
    if (api().odb_read_header(&size, &type, odb, &target) != 0) {
        ref.peeled_kind = model::ObjectKind::unknown;
        return ref;
    }
    ref.peeled_kind = kind_of(type);
    if (type == GIT_OBJECT_TAG) {
        peel_tags(repo, target, ref);
    }
    return ref;
}

// A ref that is not read: its target as is, a branch taken to be a commit.
model::Ref unread(const std::string& name, const git_oid& target) {
    model::Ref ref;
    ref.name = name;
    ref.target = to_hex(target);
    ref.peeled = ref.target;
    ref.peeled_kind =
        name.starts_with("refs/heads/") ? model::ObjectKind::commit : model::ObjectKind::unknown;
    return ref;
}

} // namespace

model::Expected<model::RefSnapshot> read_refs(git_repository* repo, const RefFilter& peel) {
    TRY_ASSIGN(const auto odb, odb_of(repo));
    git_reference_iterator* raw_iterator = nullptr;
    if (api().reference_iterator_new(&raw_iterator, repo) != 0) {
        return model::fail(error_message("reading refs"));
    }
    const ReferenceIteratorPtr iterator(raw_iterator);
    model::RefSnapshot refs;
    git_reference* raw = nullptr;
    int status = 0;
    while ((status = api().reference_next(&raw, iterator.get())) == 0) {
        const ReferencePtr reference(raw);
        if (api().reference_type(reference.get()) != GIT_REFERENCE_DIRECT) {
            continue;
        }
        const std::string name = api().reference_name(reference.get());
        const git_oid& target = *api().reference_target(reference.get());
        refs.push_back(peel(name) ? describe(repo, odb.get(), name, target) : unread(name, target));
    }
    if (status != GIT_ITEROVER) {
        return model::fail(error_message("reading refs"));
    }
    std::sort(refs.begin(), refs.end(),
              [](const model::Ref& a, const model::Ref& b) { return a.name < b.name; });
    return refs;
}

model::Expected<model::Ref> describe_ref(git_repository* repo, const std::string& name,
                                         const git_oid& target) {
    TRY_ASSIGN(const auto odb, odb_of(repo));
    return describe(repo, odb.get(), name, target);
}

} // namespace git
