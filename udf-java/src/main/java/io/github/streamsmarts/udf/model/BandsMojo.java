package io.github.streamsmarts.udf.model;

import hex.ModelCategory;
import hex.genmodel.MojoModel;
import hex.genmodel.MojoReaderBackendFactory;
import hex.genmodel.MojoReaderBackendFactory.CachingStrategy;
import hex.genmodel.ModelMojoReader;
import hex.genmodel.easy.EasyPredictModelWrapper;
import hex.genmodel.easy.RowData;
import hex.genmodel.easy.exception.PredictException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code bands.zip}, the one H2O MOJO of a bands@2 model (contracts/MODEL-FORMAT.md, "The MOJO"):
 * a regression GBM with columns {@code band} (enum, the ten band names) and {@code minute}
 * (numeric), response {@code log_w = ln(1 + Wh/h)}. Predicting is h2o-genmodel's job, never
 * re-implemented here, so the UDF, {@code stream-smarts run} and the plots read the same numbers.
 */
public final class BandsMojo {

  public static final String BAND = "band";
  public static final String MINUTE = "minute";
  public static final String RESPONSE = "log_w";

  private BandsMojo() {
  }

  /** Reads the MOJO and checks its shape; fails naming the file. */
  public static EasyPredictModelWrapper wrapper(final byte[] mojo, final String name) {
    final MojoModel model;
    try {
      model = ModelMojoReader.readFrom(MojoReaderBackendFactory.createReaderBackend(
          new ByteArrayInputStream(mojo), CachingStrategy.MEMORY));
    } catch (final IOException | RuntimeException e) {
      throw new ModelException(name + " is not a readable H2O MOJO: " + e, e);
    }
    if (model.getModelCategory() != ModelCategory.Regression) {
      throw new ModelException(name + " is a " + model.getModelCategory() + " model; bands.zip"
          + " must be a regression GBM (distribution=gaussian) of " + RESPONSE);
    }
    final List<String> features = Arrays.asList(model.features());
    if (!new TreeSet<>(features).equals(new TreeSet<>(List.of(BAND, MINUTE)))) {
      throw new ModelException(name + " has columns " + features + "; a bands@2 MOJO has exactly "
          + BAND + " (enum) and " + MINUTE + " (numeric)");
    }
    final String[] domain = model.getDomainValues(BAND);
    final Set<String> expected = new TreeSet<>();
    for (final Band band : Band.values()) {
      expected.add(band.level());
    }
    if (domain == null || !new TreeSet<>(Arrays.asList(domain)).equals(expected)) {
      throw new ModelException(name + ": column " + BAND + " has levels "
          + (domain == null ? "none (it is numeric)" : Arrays.toString(domain))
          + "; a bands@2 MOJO's levels are exactly " + expected);
    }
    if (model.getDomainValues(MINUTE) != null) {
      throw new ModelException(name + ": column " + MINUTE + " is categorical; it must be"
          + " numeric (the minute of the day 0..1439)");
    }
    if (!RESPONSE.equals(model.getResponseName())) {
      throw new ModelException(name + " predicts " + model.getResponseName() + "; a bands@2 MOJO"
          + " predicts " + RESPONSE + " = ln(1 + Wh/h)");
    }
    return new EasyPredictModelWrapper(new EasyPredictModelWrapper.Config().setModel(model));
  }

  /** Predictions this close below 0 W are the trees' rendering of a 0 W statistic. */
  static final double NEGATIVE_ZERO_W = 1e-3;

  /** One prediction in Wh/h: expm1 of the MOJO's log_w for the band at the minute. */
  public static double predict(final EasyPredictModelWrapper wrapper, final Band band,
      final int minute) throws PredictException {
    final RowData row = new RowData();
    row.put(BAND, band.level());
    row.put(MINUTE, (double) minute);
    // StrictMath: the same bits on every JVM and CPU, so the tables (and the shared vectors made
    // from them) do not depend on where the jar runs.
    final double w = StrictMath.expm1(wrapper.predictRegression(row).value);
    // A statistic of exactly 0 W (a 24-h lower band of a house that was off) comes back from the
    // trees a few hundred nanowatts either side of 0: below 0 by less than a milliwatt is 0
    // (MODEL-FORMAT "The MOJO"), so such a model loads; anything lower is refused as negative.
    return w < 0 && w > -NEGATIVE_ZERO_W ? 0.0 : w;
  }

  /** {@code values[band.ordinal()][minute]} for every band and minute 0..1439, unchecked. */
  public static double[][] predictAll(final EasyPredictModelWrapper wrapper, final String name) {
    final double[][] values = new double[Band.values().length][Bands.MINUTES];
    for (final Band band : Band.values()) {
      for (int m = 0; m < Bands.MINUTES; m++) {
        try {
          values[band.ordinal()][m] = predict(wrapper, band, m);
        } catch (final PredictException | RuntimeException e) {
          throw new ModelException(name + " cannot predict band " + band + " at "
              + Bands.minute(m) + ": " + e, e);
        }
      }
    }
    return values;
  }

  /** Reads, checks and predicts: the model's tables. */
  public static Bands bands(final byte[] mojo, final String name) {
    return Bands.of(predictAll(wrapper(mojo, name), name), name);
  }
}
