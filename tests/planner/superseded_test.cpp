// Superseded builds: a rebuild removes the project's older untagged builds of
// its image, keeping the one it replaces (for rollback) and any a container
// still runs from.
#include "tests/planner/scenario.hpp"

namespace {
// The project's untagged builds of a container's image, by id.
std::vector<std::string> earlier_builds(const FakeState& st, const std::string& container) {
    std::vector<std::string> ids;
    for (const auto& [id, img] : st.images) {
        auto c = img.labels.find(labels::kImageContainer);
        if (img.tags.empty() && c != img.labels.end() && c->second == container) ids.push_back(id);
    }
    return ids;
}
std::string short_id(const std::string& id) { return id.substr(7, 12); }
}  // namespace

TEST_CASE("plan: a rebuild removes the older builds of its image, keeping the one it replaces and those a container runs from") {
    Scenario s;
    s.apply();
    auto edit = [&](const std::string& version) {
        s.dir.write("containers/web/Dockerfile", "FROM shop/base\nEXPOSE 8080\nLABEL version=" + version + "\n");
    };
    edit("2");
    // The first rebuild: what it replaces is kept, and there is nothing older.
    CHECK_THAT(s.text(), !Catch::Contains("remove "));
    s.apply();
    const auto first = earlier_builds(*s.state, "web");
    REQUIRE(first.size() == 1);
    edit("3");
    const std::string text = s.text();
    CHECK_THAT(text, Catch::Contains("remove-image image " + short_id(first[0]) +
                                     ": superseded by this rebuild of shop/web:latest (the build it replaces is kept, for rollback)\n"));
    CHECK_THAT(text, Catch::Contains("1 to remove."));
    s.apply();
    auto kept = earlier_builds(*s.state, "web");
    REQUIRE(kept.size() == 1);   // the second build, kept for rollback; the first is gone
    CHECK(kept[0] != first[0]);
    CHECK_FALSE(s.state->images.count(first[0]));
    // No rebuild, no removal: the verdict stays "No changes."
    CHECK(s.text() == "No changes.\n");
    SECTION("a rebuild the cache answers with an earlier build keeps that image, tagged") {
        // A killed apply's build finished; the re-apply's build gives the same image back.
        edit("2");
        s.state->build_cache["shop/web:latest"] = kept[0];
        CHECK_THAT(s.text(), Catch::Contains("remove-image image " + short_id(kept[0])));
        auto p = s.plan();
        REQUIRE(p);
        REQUIRE(execute(*p, dockerops::test::fake_factory(s.state), {}).ok());
        REQUIRE(s.state->images.count(kept[0]));
        CHECK(s.state->images.at(kept[0]).tags == std::vector<std::string>{"shop/web:latest"});
        s.state->build_cache.clear();
        CHECK(s.text() == "No changes.\n");
    }
    SECTION("an earlier build an instance still runs from is kept") {
        // web.one alone is rebuilt and replaced twice: web.two still runs the
        // third build, which is then untagged and stays.
        const std::string web_two_image = s.container("shop-web-two").image_id;
        PlanOptions one;
        one.targets = {"web.one"};
        for (const std::string v : {"4", "5"}) {
            edit(v);
            auto p = s.plan(one);
            REQUIRE(p);
            CHECK_THAT(render_text(*p), !Catch::Contains("remove-image image " + short_id(web_two_image)));
            REQUIRE(execute(*p, dockerops::test::fake_factory(s.state), {}).ok());
        }
        CHECK(s.state->images.count(web_two_image));
        CHECK(earlier_builds(*s.state, "web").size() == 2);   // web.two's, and the one web.one's last rebuild replaced
    }
    SECTION("an earlier build that someone else's container runs from is kept, and the apply still succeeds") {
        ObservedContainer theirs;
        theirs.id = "theirs1";
        theirs.name = "not-ours";
        theirs.image_id = kept[0];
        theirs.state = "exited";
        s.state->containers[theirs.id] = theirs;
        edit("4");
        CHECK_THAT(s.text(), Catch::Contains("remove-image image " + short_id(kept[0])));
        auto p = s.plan();
        REQUIRE(p);
        std::vector<std::string> lines;
        ExecOptions eo;
        eo.log = [&](const std::string& l) { lines.push_back(l); };
        ExecReport rep = execute(*p, dockerops::test::fake_factory(s.state), eo);
        CHECK(rep.ok());
        CHECK(s.state->images.count(kept[0]));
        CHECK(std::any_of(lines.begin(), lines.end(), [&](const std::string& l) {
            return l.starts_with("remove-image " + short_id(kept[0]) + ": done (") &&
                   l.find(", kept: conflict: unable to delete " + kept[0] + " (must be forced) - image is being used by stopped container theirs1") != std::string::npos;
        }));
    }
}

TEST_CASE("plan: a rebuild's second look at the engine plans again only when it finds an earlier build") {
    Scenario s;
    s.apply();
    auto edit = [&](const std::string& version) {
        s.dir.write("containers/web/Dockerfile", "FROM shop/base\nEXPOSE 8080\nLABEL version=" + version + "\n");
    };
    auto through_ops = [&] {   // as plan and apply do: observe by scope, then look wider
        auto c = s.compiled();
        FakeEngine e(s.state);
        s.state->calls.clear();
        auto op = ops::observe_and_plan(e, c->d, *c->g, {}, "");
        REQUIRE(op);
        return std::move(*op);
    };
    edit("2");
    // Nothing older than the build it replaces: the first plan stands, with
    // the wider scope on record (a saved plan's check observes the same).
    auto first = through_ops();
    CHECK(std::count(s.state->calls.begin(), s.state->calls.end(), "observe shop") == 2);
    CHECK(first.plan.observed.scope.earlier_builds);
    CHECK(first.plan.observed.fingerprint == summarize(first.observed).fingerprint);
    CHECK(render_text(first.plan) == s.text());   // as planned from the whole engine at once
    CHECK_THAT(render_text(first.plan), !Catch::Contains("remove-image"));
    s.apply();
    edit("3");
    // Now the second look finds the earlier build: planned again, it is removed.
    auto second = through_ops();
    CHECK(second.plan.observed.scope.earlier_builds);
    CHECK_THAT(render_text(second.plan), Catch::Contains("remove-image image "));
    CHECK(render_text(second.plan) == s.text());
}
