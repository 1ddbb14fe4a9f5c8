import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { PNG } from "pngjs";

import { evaluate, type Evaluation } from "../../apps/digits/evaluate";
import { generateGlyphs, glyphInputs, glyphPixels, GLYPH_PIXELS, GLYPH_SIZE } from "../../apps/digits/glyphs";
import {
  DIGITS_FLOAT_FILE,
  DIGITS_MODEL_FILE,
  parseFloatNetworkText,
  readDigitsModel,
  readFloatNetwork,
  serializeFloatNetwork,
} from "../../apps/digits/model-files";
import {
  COLOURS,
  DIGIT_ADVANCE,
  DIGIT_FONT,
  FONT_HEIGHT,
  FONT_WIDTH,
  FONT_ZOOM,
  labelOrigin,
  pictureLayout,
  renderDigitsPng,
  type Rgb,
} from "../../apps/digits/picture";
import { DIGITS_RECIPE, quantizeDigits, testDigits, trainDigits } from "../../apps/digits/recipe";
import { trainMlp } from "../../apps/digits/train";
import { encodeModel, type MlpModel } from "../../src/workloads/mlp-i8/model";
import type { FloatNetwork } from "../../src/workloads/mlp-i8/quantize";

const ROOT = path.resolve(__dirname, "../..");

describe("digits: a small network trained in the repository", function () {
  this.timeout(30_000);

  describe("glyphs", () => {
    it("are the same for the same seed and different for another", () => {
      const bytes = (seed: number) => Buffer.from(generateGlyphs(seed, 30).pixels.buffer);
      const a = generateGlyphs(11, 30);
      expect(bytes(11).equals(Buffer.from(a.pixels.buffer))).to.equal(true);
      expect(bytes(12).equals(Buffer.from(a.pixels.buffer))).to.equal(false);
      expect(Array.from(a.labels.subarray(0, 12))).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    });

    it("are pixels in [0, 1] with ink on every glyph, and int8 inputs round(v * 127)", () => {
      const set = generateGlyphs(5, 50);
      expect(set.pixels.length).to.equal(50 * GLYPH_PIXELS);
      expect(set.pixels.every((v) => v >= 0 && v <= 1)).to.equal(true);
      for (let i = 0; i < set.count; i++) {
        expect(glyphPixels(set, i).filter((v) => v > 0.5).length, `glyph ${i}`).to.be.above(15);
      }
      const inputs = glyphInputs(set);
      const wrong = Array.from(inputs).findIndex((q, i) => q !== Math.round(set.pixels[i] * 127));
      expect(wrong, `input ${wrong}`).to.equal(-1);
    });
  });

  describe("trainer", () => {
    const tiny = { ...DIGITS_RECIPE.train, hidden: [8], epochs: 2, batchSize: 16 };
    const data = (() => {
      const set = generateGlyphs(21, 200);
      return { count: set.count, width: GLYPH_PIXELS, inputs: set.pixels, labels: set.labels };
    })();

    it("gives identical weights on every run", () => {
      const first = trainMlp(data, tiny);
      const second = trainMlp(data, tiny);
      expect(first.map((layer) => [layer.inputs, layer.outputs])).to.deep.equal([
        [GLYPH_PIXELS, 8],
        [8, 10],
      ]);
      first.forEach((layer, l) => {
        expect(
          Buffer.from(second[l].weights.buffer).equals(Buffer.from(layer.weights.buffer)),
          `weights ${l}`,
        ).to.equal(true);
        expect(Buffer.from(second[l].biases.buffer).equals(Buffer.from(layer.biases.buffer)), `biases ${l}`).to.equal(
          true,
        );
      });
      const reseeded = trainMlp(data, { ...tiny, seed: tiny.seed + 1 });
      expect(reseeded[0].weights).to.not.deep.equal(first[0].weights);
    });

    it("refuses a bad configuration, naming the field", () => {
      expect(() => trainMlp(data, { ...tiny, epochs: 0 })).to.throw(/epochs must be an integer >= 1/);
      expect(() => trainMlp(data, { ...tiny, classes: 5 })).to.throw(/labels\[5\] = 5 is not below classes \(5\)/);
    });
  });

  describe("the committed model", () => {
    let float: FloatNetwork;
    let model: MlpModel;
    let test: Evaluation;

    before(() => {
      float = readFloatNetwork(ROOT);
      model = readDigitsModel(ROOT);
      test = testDigits(float, model);
    });

    it(`is what scripts/train-digits.ts produces (${DIGITS_FLOAT_FILE}, ${DIGITS_MODEL_FILE})`, () => {
      // Training takes about 2 s, so the full recipe runs every time: no recorded hash to trust instead.
      const run = trainDigits(DIGITS_RECIPE);
      const committedText = fs.readFileSync(path.join(ROOT, DIGITS_FLOAT_FILE), "utf8");
      expect(
        serializeFloatNetwork(run.float) === committedText,
        `${DIGITS_FLOAT_FILE} differs: run scripts/train-digits.ts`,
      ).to.be.true;
      const committedModel = fs.readFileSync(path.join(ROOT, DIGITS_MODEL_FILE));
      expect(Buffer.compare(Buffer.from(encodeModel(run.quantized.model)), committedModel)).to.equal(0);
      expect(run.test).to.deep.equal(test);
    });

    it("is the quantization of the committed float network, and records its recipe", () => {
      expect(Buffer.from(encodeModel(quantizeDigits(float, DIGITS_RECIPE).model))).to.deep.equal(
        fs.readFileSync(path.join(ROOT, DIGITS_MODEL_FILE)),
      );
      expect(JSON.parse(JSON.stringify(float.meta?.recipe))).to.deep.equal(JSON.parse(JSON.stringify(DIGITS_RECIPE)));
      expect([model.inputs, ...model.layers.map((layer) => layer.outputs)]).to.deep.equal([256, 32, 10]);
    });

    it("reads the held-out glyphs at >= 90% in float, and in int8 within 3 points and agreeing on >= 95%", () => {
      expect(test.floatAccuracy).to.be.at.least(0.9);
      expect(Math.abs(test.int8Accuracy - test.floatAccuracy)).to.be.at.most(0.03);
      expect(test.agreement).to.be.at.least(0.95);
    });

    it("agrees in int8 with float on a second, independent set of glyphs", () => {
      const other = evaluate(float, model, generateGlyphs(99, 500));
      expect(other.agreement).to.be.at.least(0.95);
      expect(other.floatAccuracy).to.be.at.least(0.9);
    });

    it("reports a damaged float file by name", () => {
      expect(() => parseFloatNetworkText("{", "models/x.json")).to.throw(/models\/x\.json is not JSON/);
      const broken = JSON.stringify({ ...float, inputScale: "1/127" });
      expect(() => parseFloatNetworkText(broken, "models/x.json")).to.throw(/models\/x\.json: .*inputScale must be/);
    });
  });

  describe("picture", () => {
    const set = generateGlyphs(3, 13);
    // Every item right except item 4 (read as 7) and item 12, whose true digit is unknown.
    const items = Array.from({ length: 13 }, (_, i) => ({
      pixels: glyphPixels(set, i),
      predicted: i === 4 ? 7 : set.labels[i],
      label: i === 12 ? undefined : set.labels[i],
    }));
    const columns = 5;
    const layout = pictureLayout(items.length, columns);
    const png = PNG.sync.read(renderDigitsPng(items, columns));
    const pixel = (x: number, y: number): Rgb => {
      const at = 4 * (y * png.width + x);
      return [png.data[at], png.data[at + 1], png.data[at + 2]];
    };
    /** Checks that `digit`'s font pixels (and only those) in the cell at (x, y) have `colour`. */
    const expectDigit = (digit: number, x: number, y: number, colour: Rgb) => {
      DIGIT_FONT[digit].forEach((row, fy) => {
        for (let fx = 0; fx < FONT_WIDTH; fx++) {
          const expected = row[fx] === "#" ? colour : COLOURS.background;
          const at = pixel(x + fx * FONT_ZOOM + 1, y + fy * FONT_ZOOM + 1);
          expect(at, `digit ${digit} font pixel (${fx}, ${fy})`).to.deep.equal([...expected]);
        }
      });
    };

    it("decodes to a grid of cells of the expected size", () => {
      expect(layout).to.include({ columns: 5, rows: 3 });
      expect([png.width, png.height]).to.deep.equal([layout.width, layout.height]);
      expect(layout.cellWidth).to.be.at.least(GLYPH_SIZE * 3);
    });

    it("draws each prediction in green when right, red with the true digit in grey when wrong", () => {
      for (const i of [0, 3, 9]) {
        const { x, y } = labelOrigin(layout, i);
        expectDigit(items[i].predicted, x, y, COLOURS.right);
      }
      const wrong = labelOrigin(layout, 4);
      expectDigit(7, wrong.x, wrong.y, COLOURS.wrong);
      expectDigit(4, wrong.x + DIGIT_ADVANCE, wrong.y, COLOURS.truth);
      const unchecked = labelOrigin(layout, 12);
      expectDigit(items[12].predicted, unchecked.x, unchecked.y, COLOURS.unchecked);
      expect(FONT_HEIGHT).to.equal(DIGIT_FONT[0].length);
    });

    it("refuses an item that is not a glyph or a prediction that is not a digit", () => {
      expect(() => renderDigitsPng([{ pixels: [0, 1], predicted: 1 }])).to.throw(/items\[0\] has 2 pixels/);
      expect(() => renderDigitsPng([{ pixels: glyphPixels(set, 0), predicted: 10 }])).to.throw(
        /predicted must be a digit/,
      );
    });
  });
});
