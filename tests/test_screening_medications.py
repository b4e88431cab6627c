"""The medication table and its matcher: generic, brand, combination, case and dose text."""

import json

import pytest

from screening import medications as med


@pytest.mark.parametrize("text,name,cls", [
    ("Zoloft 50 mg", "sertraline", med.SSRI),
    ("SERTRALINE", "sertraline", med.SSRI),
    ("sertraline50mg once daily", "sertraline", med.SSRI),
    ("Paxlovid (nirmatrelvir/ritonavir) pack", "nirmatrelvir/ritonavir", med.CYP_STRONG_INHIBITOR),
    ("nirmatrelvir + ritonavir", "ritonavir", med.CYP_STRONG_INHIBITOR),
    ("Stribild", "elvitegravir/cobicistat/emtricitabine/tenofovir", med.CYP_STRONG_INHIBITOR),
    ("Genvoya 1 tab", "elvitegravir/cobicistat/emtricitabine/tenofovir", med.CYP_STRONG_INHIBITOR),
    ("Prezcobix", "darunavir/cobicistat", med.CYP_STRONG_INHIBITOR),
    ("Emsam 6 mg/24 h patch", "selegiline", med.MAOI_IRREVERSIBLE),
    ("Methylene Blue", "methylene blue", med.MAOI_IRREVERSIBLE),
    ("Yagé", "ayahuasca", med.HARMALA),
    ("Syrian rue", "ayahuasca", med.HARMALA),
    ("Effexor XR 75", "venlafaxine", med.SNRI),
    ("Wellbutrin XL 300mg", "bupropion", med.CYP2D6_INHIBITOR),
    ("Symbyax", "olanzapine/fluoxetine", med.SSRI),
    ("Xanax 0.5", "alprazolam", med.BLUNTING),
    ("two coffees", "caffeine", med.CAFFEINE),
])
def test_names_are_matched(text, name, cls):
    m = med.match(text)
    assert name in m.names and cls in m.classes


@pytest.mark.parametrize("text", ["", "   ", "vitamin b12", "grandmother's tea", "50 mg", "ritonavirus"])
def test_unknown_names_stay_unreviewed(text):
    assert not med.match(text).known


def test_table_is_versioned_and_consistent():
    data = json.loads(med.TABLE_PATH.read_text())
    assert data["version"] and med.load_table().version == data["version"]
    names = [m["name"] for m in data["medications"]]
    assert len(names) == len(set(names))
    aliases = [a for m in data["medications"] for a in [m["name"], *m.get("aliases", [])]]
    assert len(aliases) == len(set(aliases)), "an alias belongs to two entries"
    every_class = {c for m in data["medications"] for c in m["classes"]}
    assert every_class == set(data["classes"])


def test_domain_guide_classes_are_all_present():
    table = {e.name: e.classes for e in med.load_table().entries}
    for name in ("phenelzine", "tranylcypromine", "isocarboxazid", "selegiline", "rasagiline", "linezolid",
                 "methylene blue"):
        assert med.MAOI_IRREVERSIBLE in table[name], name
    assert med.MAOI_REVERSIBLE in table["moclobemide"]
    for name in ("fluoxetine", "sertraline", "paroxetine", "citalopram", "escitalopram", "fluvoxamine"):
        assert med.SSRI in table[name], name
    for name in ("venlafaxine", "desvenlafaxine", "duloxetine", "milnacipran", "levomilnacipran"):
        assert med.SNRI in table[name], name
    for name in ("bupropion", "fluoxetine", "paroxetine", "quinidine", "terbinafine"):
        assert med.CYP2D6_INHIBITOR in table[name], name
    for name in ("haloperidol", "pindolol", "doxazosin", "diazepam"):
        assert med.BLUNTING in table[name], name


# Every class of the domain guide, section 3, with generic and brand names as a client would
# type them. A name missing from the table would be "unreviewed" (a caution), not its class.
CLASS_MEMBERS = {
    med.CYP_STRONG_INHIBITOR: [
        "ritonavir", "Norvir", "Paxlovid", "Kaletra", "Aluvia", "Viekira Pak", "Viekira XR", "Technivie",
        "Viekirax", "cobicistat", "Tybost", "Stribild", "Genvoya", "Prezcobix", "Rezolsta", "Symtuza", "Evotaz",
        "ombitasvir/paritaprevir/ritonavir", "lopinavir + ritonavir 200/50 mg"],
    med.MAOI_IRREVERSIBLE: [
        "phenelzine", "Nardil", "tranylcypromine", "Parnate", "isocarboxazid", "Marplan", "selegiline", "Emsam",
        "Zelapar", "Eldepryl", "rasagiline", "Azilect", "safinamide", "Xadago", "Onstryv", "procarbazine",
        "Matulane", "linezolid", "Zyvox", "tedizolid", "Sivextro", "methylene blue", "ProvayBlue", "pargyline",
        "iproniazid", "furazolidone"],
    med.MAOI_REVERSIBLE: ["moclobemide", "Manerix", "Aurorix", "toloxatone"],
    med.HARMALA: ["ayahuasca", "harmaline", "Syrian rue", "caapi"],
    med.SSRI: ["fluoxetine", "Prozac", "sertraline", "Zoloft", "paroxetine", "Paxil", "citalopram", "Celexa",
               "escitalopram", "Lexapro", "fluvoxamine", "Luvox", "vilazodone", "Viibryd", "vortioxetine",
               "Trintellix", "clomipramine", "Anafranil"],
    med.SNRI: ["venlafaxine", "Effexor XR", "desvenlafaxine", "Pristiq", "duloxetine", "Cymbalta", "milnacipran",
               "Savella", "levomilnacipran", "Fetzima"],
    med.CYP2D6_INHIBITOR: ["bupropion", "Wellbutrin", "fluoxetine", "paroxetine", "quinidine", "terbinafine",
                           "Lamisil", "duloxetine", "cinacalcet", "Sensipar", "mirabegron", "Myrbetriq",
                           "diphenhydramine", "Benadryl", "Auvelity"],
    med.BLUNTING: ["haloperidol", "pindolol", "doxazosin", "olanzapine", "quetiapine", "risperidone", "aripiprazole",
                   "paliperidone", "Invega", "cariprazine", "Vraylar", "brexpiprazole", "lumateperone", "asenapine",
                   "fluphenazine", "perphenazine", "diazepam", "Valium", "lorazepam", "alprazolam", "clonazepam",
                   "triazolam", "clobazam"],
}


@pytest.mark.parametrize("cls,name", [(cls, name) for cls, names in CLASS_MEMBERS.items() for name in names])
def test_every_class_member_is_known_with_its_class(cls, name):
    m = med.match(name)
    assert m.known and cls in m.classes, (name, m.classes)


def test_the_table_version_was_bumped_for_the_class_review():
    assert med.load_table().version >= "2026-11-28.1"
